import FluentKit

/// A model that lists its properties (`var properties`, in declaration order) instead of leaving
/// Fluent to find them by reflection. Fluent reflects on a model for every row it reads and every
/// save (its own documentation calls this its worst bottleneck): under 16 concurrent customer
/// searches, a quarter of the server's CPU went to reflecting on the 21 customers of each page.
/// For the models the busiest lists read. `ModelPropertiesTests` checks each list against
/// reflection, so a property added to the model but not to its list fails there: add the model
/// to that test when it adopts this.
protocol ListedProperties: Fields {}
