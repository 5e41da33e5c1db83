import Foundation

/// A bar chart laid out on the server and drawn by a template as SVG (no script, no library):
/// reports where people would rather look than read. Heights scale to the largest value.
struct BarChart: Encodable {
    struct Bar: Encodable {
        var x: Int
        var y: Int
        var width: Int
        var height: Int
        var label: String
        var value: String
        var labelX: Int
        var valueY: Int
        var cssClass: String
    }

    var width: Int
    var height: Int
    var baseline: Int
    var labelY: Int
    var bars: [Bar]
    var title: String

    /// `values` in display order; `format` writes each value for its label.
    init(title: String, items: [(label: String, value: Double, cssClass: String)], format: (Double) -> String,
         width: Int = 560, height: Int = 220) {
        self.title = title
        self.width = width
        self.height = height
        let top = 24, bottom = 40
        baseline = height - bottom
        labelY = height - bottom + 18
        let usable = Double(height - top - bottom)
        let maxValue = max(items.map(\.value).max() ?? 0, 1)
        let slot = items.isEmpty ? width : width / items.count
        let barWidth = max(8, slot * 3 / 5)
        bars = items.enumerated().map { i, item in
            let h = Int((max(item.value, 0) / maxValue * usable).rounded())
            let x = i * slot + (slot - barWidth) / 2
            return Bar(x: x, y: height - bottom - h, width: barWidth, height: h, label: item.label, value: format(item.value),
                       labelX: x + barWidth / 2, valueY: height - bottom - h - 6, cssClass: item.cssClass)
        }
    }
}
