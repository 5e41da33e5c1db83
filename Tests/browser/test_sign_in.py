"""Signing in and out (/login, the top bar's sign-out form, the redirect guard)."""

import pytest

from conftest import (
    ADMIN_EMAIL,
    DEMO_PASSWORD,
    HR_EMAIL,
    LEAD_EMAIL,
    find,
    path_of,
    sign_in,
    sign_out_locally,
    submit_and_wait,
    wait_for_path,
)


def test_signed_out_visit_to_org_chart_redirects_to_login(driver, base_url):
    sign_out_locally(driver, base_url)
    driver.get(f"{base_url}/org")
    wait_for_path(driver, "/login")
    find(driver, "form#login-form")


def test_login_form_has_its_fields(driver, base_url):
    sign_out_locally(driver, base_url)
    driver.get(f"{base_url}/login")
    form = find(driver, "form#login-form")
    assert find(form, "input#email[name=email]").is_displayed()
    password = find(form, "input#password[name=password]")
    assert password.is_displayed()
    assert password.get_attribute("type") == "password"
    assert find(form, "button#sign-in").is_displayed()


def test_wrong_password_stays_on_login_with_an_error_and_keeps_the_email(driver, base_url):
    sign_in(driver, base_url, ADMIN_EMAIL, "not-the-password")
    assert path_of(driver) == "/login", f"a bad password must not sign in (now at {driver.current_url})"
    error = find(driver, "p.form-error")
    assert error.is_displayed(), "the sign-in error must be visible"
    assert error.text.strip(), "the sign-in error must say something"
    assert find(driver, "input#email[name=email]").get_attribute("value") == ADMIN_EMAIL
    # Still signed out: the guard sends us back.
    driver.get(f"{base_url}/org")
    wait_for_path(driver, "/login")


def test_unknown_account_is_refused_like_a_wrong_password(driver, base_url):
    sign_in(driver, base_url, "nobody@demo.vanguard.cn", DEMO_PASSWORD)
    assert path_of(driver) == "/login"
    assert find(driver, "p.form-error").text.strip()


@pytest.mark.parametrize("email", [ADMIN_EMAIL, LEAD_EMAIL, HR_EMAIL], ids=["admin", "lead", "hr"])
def test_demo_account_signs_in_to_the_org_chart(driver, base_url, email):
    sign_in(driver, base_url, email, DEMO_PASSWORD)
    wait_for_path(driver, "/org")
    find(driver, "section.orgchart")
    assert not driver.find_elements("css selector", "p.form-error")


def test_sign_out_returns_to_login_and_ends_the_session(admin, base_url):
    driver = admin
    button = find(driver, "form#sign-out button")
    assert button.is_displayed(), "the sign-out button must be visible in the top bar"
    submit_and_wait(driver, button)
    wait_for_path(driver, "/login")
    driver.get(f"{base_url}/org")
    wait_for_path(driver, "/login")
    driver.get(f"{base_url}/members")
    wait_for_path(driver, "/login")
