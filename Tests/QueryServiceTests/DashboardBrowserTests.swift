import Contracts
import Foundation
import TestSupport
import Testing

/// The dashboard page in a real browser: headless Chromium (Debian's `chromium`, installed by
/// scripts/lib.sh) loads `GET /`, runs its script, follows the live stream, and the test reads
/// the DOM it produced. Skipped only on a developer machine without Chromium; a full run (`FullSuite`) fails instead.
/// One browser at a time: each takes a core for seconds, and the other tests' answers wait meanwhile.
@Suite(.enabled(if: Chromium.path != nil || FullSuite.required), .serialized)
struct DashboardBrowserTests {
    @Test func theDashboardShowsTheProjectionsInABrowser() async throws {
        try await withSandbox { sandbox in
            try await withUpstream { upstream in
                upstream.append(History.mixed)
                var configuration = testConfiguration(upstream, database: sandbox.path("browser.sqlite"))
                // Headless Chromium's virtual time stands still while a request is open, so streams
                // must end for the page to settle: the browser then reconnects by itself.
                configuration.streamLifetime = .seconds(1)
                try await withService(configuration) { service in
                    try await service.waitForCheckpoint(History.mixed.count)
                    let page = try await service.get("/")
                    #expect(page.status == 200)
                    #expect(page.headers["content-type"]?.hasPrefix("text/html") == true)
                    #expect(!page.text.contains("http://") && !page.text.contains("https://"))  // no CDN

                    let dom = try await Chromium.dumpDOM(url: "http://127.0.0.1:\(service.port)/", sandbox: sandbox)
                    // Rendered by the script from the projections, not present in the static HTML.
                    #expect(dom.contains("data-sku=\"SMALL-TABLE\""), "\(dom)")
                    #expect(
                        dom.contains(
                            "<td>SMALL-TABLE</td><td>2</td><td>62</td><td>15</td><td class=\"available\">47</td>"))
                    #expect(dom.contains("<td>BLUE-VASE</td>"))
                    #expect(dom.contains("order-5"))  // recent out-of-stock
                    #expect(dom.contains("class=\"badge live\""))
                    #expect(dom.contains("data-checkpoint=\"16\""))
                    #expect(dom.contains("<rect"))  // the chart's bars
                    // The live stream (server-sent events) delivered and rendered at least one update.
                    #expect(dom.range(of: #"data-stream-updates="[1-9]"#, options: .regularExpression) != nil)
                    #expect(!page.text.contains("SMALL-TABLE"))

                    if let folder = ProcessInfo.processInfo.environment["COSMIC_SCREENSHOT_DIR"] {
                        try await Chromium.screenshot(
                            url: "http://127.0.0.1:\(service.port)/", to: folder + "/dashboard.png", sandbox: sandbox)
                    }
                }
            }
        }
    }

    @Test func theProcurementPageShowsTheKPIsAndListsInABrowser() async throws {
        try await withSandbox { sandbox in
            try await withUpstream { upstream in
                upstream.append(timed: ProcurementHistory.steps)
                let head = upstream.head
                var configuration = testConfiguration(upstream, database: sandbox.path("p2p-browser.sqlite"))
                configuration.streamLifetime = .seconds(1)
                try await withService(configuration) { service in
                    try await service.waitForCheckpoint(head)
                    let dom = try await Chromium.dumpDOM(
                        url: "http://127.0.0.1:\(service.port)/procurement", sandbox: sandbox)
                    func tile(_ label: String, _ value: String, money: Bool = false) -> String {
                        "<div class=\"tile\" data-metric=\"\(label)\"><div class=\"label\">\(label)</div>"
                            + "<div class=\"value\(money ? " money" : "")\">\(value)</div></div>"
                    }
                    for expected in [
                        tile("orders created", "5"),
                        tile("orders created value", "EUR 2,550.00 · USD 1,150.00", money: true),
                        tile("orders approved", "3"), tile("approval cycle", "8.8 h"), tile("on-time delivery", "75%"),
                        tile("first-pass match", "20%"), tile("spend", "EUR 1,425.00 · USD 420.00", money: true),
                        tile("awaiting approval", "1"), tile("awaiting value", "EUR 240.00", money: true),
                        tile("to reorder", "4"),
                    ] {
                        #expect(dom.contains(expected), "\(expected)")
                    }
                    // The lists: the reorder list, spend by supplier, awaiting approval, payments due.
                    for sku in ["CHAIR", "LAMP", "PLANK", "VASE"] { #expect(dom.contains("<tr data-sku=\"\(sku)\">")) }
                    #expect(dom.contains("<td class=\"money\">EUR 1,425.00</td>"))
                    #expect(dom.contains("<tr data-invoice=\"ACME/A-102\">"))
                    #expect(dom.contains("<td>2027-01-26</td><td class=\"money\">USD 220.00</td>"))
                    #expect(dom.contains("class=\"badge live\"") && dom.contains("data-checkpoint=\"\(head)\""))
                    #expect(dom.range(of: #"data-stream-updates="[1-9]"#, options: .regularExpression) != nil)

                    if let folder = ProcessInfo.processInfo.environment["COSMIC_SCREENSHOT_DIR"] {
                        try await Chromium.screenshot(
                            url: "http://127.0.0.1:\(service.port)/procurement", to: folder + "/procurement.png",
                            sandbox: sandbox)
                    }
                }
            }
        }
    }
}

/// Runs headless Chromium as a child process, bounded in time, with a throwaway profile.
enum Chromium {
    static let path: String? = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    struct Failed: Error, CustomStringConvertible {
        let description: String
    }

    static func dumpDOM(url: String, sandbox: Sandbox) async throws -> String {
        try await run(["--dump-dom", url], sandbox: sandbox)
    }

    static func screenshot(url: String, to file: String, sandbox: Sandbox) async throws {
        _ = try await run(["--screenshot=\(file)", "--window-size=1280,1000", url], sandbox: sandbox)
    }

    private static func run(_ arguments: [String], sandbox: Sandbox) async throws -> String {
        guard let path else { throw Failed(description: "chromium is not installed (apt-get install chromium)") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments =
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                "--disable-breakpad", "--disable-crash-reporter",
                "--user-data-dir=\(sandbox.path("chromium-profile"))", "--virtual-time-budget=5000",
            ] + arguments
        let output = sandbox.directory.appendingPathComponent("chromium-\(UUID().uuidString).out")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        let handle = try FileHandle(forWritingTo: output)
        defer { try? handle.close() }
        process.standardOutput = handle
        process.standardError = FileHandle.nullDevice
        let finished = Finished()
        process.terminationHandler = { _ in finished.signal() }
        try process.run()
        let exited = await finished.wait(timeout: .seconds(60))
        if !exited {
            process.terminate()
            _ = await finished.wait(timeout: .seconds(10))
            throw Failed(description: "chromium did not finish within 60 s")
        }
        guard process.terminationStatus == 0 else {
            throw Failed(description: "chromium exited with status \(process.terminationStatus)")
        }
        return String(decoding: try Data(contentsOf: output), as: UTF8.self)
    }

    /// Signalled from the process's termination handler, awaited with a deadline.
    private final class Finished: Sendable {
        private let semaphore = DispatchSemaphore(value: 0)

        func signal() { semaphore.signal() }

        func wait(timeout: Duration) async -> Bool {
            await withCheckedContinuation { continuation in
                DispatchQueue.global().async {
                    let seconds = Double(timeout.components.seconds)
                    continuation.resume(returning: self.semaphore.wait(timeout: .now() + seconds) == .success)
                }
            }
        }
    }
}
