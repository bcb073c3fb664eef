import Foundation
import PovertyCore

/// Bar charts drawn on the server as SVG, with a title and description for screen readers.
enum Chart {
    struct Series {
        let label: String
        let color: String
        let values: [Int]
    }

    /// Grouped bars: one group per category (e.g. year), one bar per series; an optional
    /// dashed line (e.g. a target path) over the categories.
    static func bars(title: String, description: String, categories: [String], series: [Series],
                     line: (label: String, values: [Int?])? = nil, width: Int = 640, height: Int = 260, format: (Int) -> String) -> String {
        let left = 64, right = 16, top = 24, bottom = 48
        let plotW = width - left - right, plotH = height - top - bottom
        let maxValue = max(1, (series.flatMap(\.values) + (line?.values.compactMap { $0 } ?? [])).max() ?? 1)
        let scaleMax = niceCeiling(maxValue)
        func y(_ v: Int) -> Int { top + plotH - Int((Double(v) / Double(scaleMax) * Double(plotH)).rounded()) }
        var svg = """
        <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(width) \(height)" role="img" aria-labelledby="chart-title chart-desc" class="chart">
        <title id="chart-title">\(escape(title))</title><desc id="chart-desc">\(escape(description))</desc>
        """
        // Up to five grid lines; a small scale (a branch with one poor household) gets one per whole number.
        var gridValues: [Int] = []
        for i in 0...4 where !gridValues.contains(scaleMax * i / 4) { gridValues.append(scaleMax * i / 4) }
        for v in gridValues {
            svg += "<line x1=\"\(left)\" x2=\"\(width - right)\" y1=\"\(y(v))\" y2=\"\(y(v))\" stroke=\"#ddd\"/>"
            svg += "<text x=\"\(left - 6)\" y=\"\(y(v) + 4)\" text-anchor=\"end\" font-size=\"11\">\(escape(format(v)))</text>"
        }
        let groupW = categories.isEmpty ? plotW : plotW / categories.count
        let barW = max(4, (groupW - 12) / max(1, series.count))
        for (c, name) in categories.enumerated() {
            let x0 = left + c * groupW + 6
            for (s, serie) in series.enumerated() where c < serie.values.count {
                let v = serie.values[c]
                svg += "<rect x=\"\(x0 + s * barW)\" y=\"\(y(v))\" width=\"\(barW - 2)\" height=\"\(top + plotH - y(v))\" fill=\"\(serie.color)\"><title>\(escape(serie.label)) \(escape(name)): \(escape(format(v)))</title></rect>"
            }
            svg += "<text x=\"\(left + c * groupW + groupW / 2)\" y=\"\(top + plotH + 16)\" text-anchor=\"middle\" font-size=\"12\">\(escape(name))</text>"
        }
        if let line {
            var points: [String] = []
            for (c, v) in line.values.enumerated() { if let v { points.append("\(left + c * groupW + groupW / 2),\(y(v))") } }
            if points.count > 1 {
                svg += "<polyline points=\"\(points.joined(separator: " "))\" fill=\"none\" stroke=\"#198754\" stroke-width=\"2\" stroke-dasharray=\"6 4\"/>"
            }
        }
        // Legend.
        var lx = left
        let legend = series.map { ($0.label, $0.color, false) } + (line.map { [($0.label, "#198754", true)] } ?? [])
        for (label, color, dashed) in legend {
            if dashed {
                svg += "<line x1=\"\(lx)\" x2=\"\(lx + 14)\" y1=\"\(height - 14)\" y2=\"\(height - 14)\" stroke=\"\(color)\" stroke-width=\"2\" stroke-dasharray=\"4 3\"/>"
            } else {
                svg += "<rect x=\"\(lx)\" y=\"\(height - 20)\" width=\"12\" height=\"12\" fill=\"\(color)\"/>"
            }
            svg += "<text x=\"\(lx + 18)\" y=\"\(height - 10)\" font-size=\"12\">\(escape(label))</text>"
            lx += 30 + label.count * 7
        }
        return svg + "</svg>"
    }

    /// Horizontal bars, one per label (units compared, contributions of indicators), longest
    /// scale from the largest value; `id` keeps the title and description ids unique on a page.
    static func horizontalBars(id: String, title: String, description: String, labels: [String], values: [Ratio],
                               color: String = "#0d6efd", format: (Ratio) -> String) -> String {
        let rowH = 22, labelW = 260, right = 70, width = 720, top = 8
        let height = top * 2 + max(1, labels.count) * rowH
        let maxValue = values.map(\.doubleValue).max().map { $0 > 0 ? $0 : 1 } ?? 1
        var svg = """
        <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(width) \(height)" role="img" aria-labelledby="\(id)-title \(id)-desc" class="chart" id="\(id)">
        <title id="\(id)-title">\(escape(title))</title><desc id="\(id)-desc">\(escape(description))</desc>
        """
        for (i, label) in labels.enumerated() where i < values.count {
            let y = top + i * rowH
            let w = Int((values[i].doubleValue / maxValue * Double(width - labelW - right)).rounded())
            let shown = label.count > 38 ? String(label.prefix(37)) + "…" : label
            svg += "<text x=\"\(labelW - 6)\" y=\"\(y + 15)\" text-anchor=\"end\" font-size=\"12\">\(escape(shown))</text>"
            svg += "<rect x=\"\(labelW)\" y=\"\(y + 3)\" width=\"\(max(w, 1))\" height=\"\(rowH - 6)\" fill=\"\(color)\"><title>\(escape(label)): \(escape(format(values[i])))</title></rect>"
            svg += "<text x=\"\(labelW + max(w, 1) + 4)\" y=\"\(y + 15)\" font-size=\"12\">\(escape(format(values[i])))</text>"
        }
        return svg + "</svg>"
    }

    /// 1, 2 or 5 times a power of ten, at least `v`.
    static func niceCeiling(_ v: Int) -> Int {
        var p = 1
        while p * 10 <= v { p *= 10 }
        for m in [1, 2, 5, 10] where m * p >= v { return m * p }
        return 10 * p
    }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
