/// Small images side by side, such as a linear classifier's class templates, drawn as an SVG:
/// one square `<rect>` per pixel, gray for one channel, RGB for three (the first three planes).
public struct ImageGrid: Sendable {
    /// The accessible title of the drawing.
    public var title: String
    /// The images, each `channels`×`height`×`width` bytes, planes first (CHW).
    public var images: [[UInt8]]
    public var channels: Int, height: Int, width: Int
    /// The side of a pixel and the space between images, in SVG units.
    public var pixelSize = 3, gap = 6

    public init(title: String, images: [[UInt8]], channels: Int, height: Int, width: Int) {
        self.title = title
        self.images = images
        self.channels = channels
        self.height = height
        self.width = width
    }

    /// The standalone SVG file.
    public func svg() -> String {
        let plane = height * width
        let totalWidth = Swift.max(images.count * (width * pixelSize + gap) - gap, 1)
        var document = SVGDocument(width: Double(totalWidth), height: Double(height * pixelSize))
        document.group([("shape-rendering", "crispEdges")]) { document in
            for (index, image) in images.enumerated() {
                let left = index * (width * pixelSize + gap)
                for y in 0..<height {
                    for x in 0..<width {
                        let pixel = y * width + x
                        let (red, green, blue) = channels >= 3
                            ? (image[pixel], image[plane + pixel], image[2 * plane + pixel]) : (image[pixel], image[pixel], image[pixel])
                        document.add("rect", [
                            ("x", "\(left + x * pixelSize)"), ("y", "\(y * pixelSize)"),
                            ("width", "\(pixelSize)"), ("height", "\(pixelSize)"), ("fill", "rgb(\(red),\(green),\(blue))"),
                        ])
                    }
                }
            }
        }
        return document.rendered(title: title)
    }
}
