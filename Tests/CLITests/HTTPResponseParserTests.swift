import Testing

@testable import cosmic

@Suite struct HTTPResponseParserTests {
    private func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test func aContentLengthBodyEndsWhereItSays() throws {
        let wire = bytes("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-Checkpoint: 7\r\n\r\nhelloHTTP/1.1 204")
        let (response, consumed) = try #require(try HTTPResponseParser.parse(wire))
        #expect(response.status == 200)
        #expect(response.body == bytes("hello"))
        #expect(response.headers["x-checkpoint"] == "7")
        #expect(response.keepAlive)
        #expect(consumed == wire.count - "HTTP/1.1 204".utf8.count)
    }

    @Test func everyPrefixOfAResponseIsIncomplete() throws {
        let wire = bytes("HTTP/1.1 404 Not Found\r\ncontent-length: 2\r\n\r\n{}")
        for end in 0..<wire.count {
            #expect(try HTTPResponseParser.parse(Array(wire[..<end])) == nil, "prefix of \(end) bytes")
        }
        #expect(try HTTPResponseParser.parse(wire)?.0.status == 404)
    }

    @Test func aChunkedBodyIsReassembled() throws {
        let wire = bytes(
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "4;ext=1\r\nWiki\r\n5\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n0\r\nTrailer: x\r\n\r\n")
        let (response, consumed) = try #require(try HTTPResponseParser.parse(wire))
        #expect(String(decoding: response.body, as: UTF8.self) == "Wikipedia in\r\n\r\nchunks.")
        #expect(consumed == wire.count)
        for end in 0..<wire.count {
            #expect(try HTTPResponseParser.parse(Array(wire[..<end])) == nil, "prefix of \(end) bytes")
        }
    }

    @Test func aChunkedBodyWithoutTrailers() throws {
        let wire = bytes("HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\na\r\n0123456789\r\n0\r\n\r\n")
        let (response, consumed) = try #require(try HTTPResponseParser.parse(wire))
        #expect(response.body == bytes("0123456789"))
        #expect(consumed == wire.count)
    }

    @Test func connectionCloseAndHTTP10EndTheConnection() throws {
        let close = bytes("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n")
        #expect(try HTTPResponseParser.parse(close)?.0.keepAlive == false)
        let old = bytes("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n")
        #expect(try HTTPResponseParser.parse(old)?.0.keepAlive == false)
        let oldKept = bytes("HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n")
        #expect(try HTTPResponseParser.parse(oldKept)?.0.keepAlive == true)
    }

    @Test func aBodyWithoutFramingRunsToTheEndOfTheConnection() throws {
        let wire = bytes("HTTP/1.1 200 OK\r\n\r\nall of it")
        #expect(try HTTPResponseParser.parse(wire) == nil)
        let (response, _) = try #require(try HTTPResponseParser.parse(wire, atEOF: true))
        #expect(response.body == bytes("all of it"))
        #expect(!response.keepAlive)
    }

    @Test func noContentHasNoBody() throws {
        let wire = bytes("HTTP/1.1 204 No Content\r\n\r\nHTTP/1.1")
        let (response, consumed) = try #require(try HTTPResponseParser.parse(wire))
        #expect(response.status == 204)
        #expect(response.body.isEmpty)
        #expect(consumed == wire.count - 8)
    }

    @Test func malformedResponsesAreErrors() {
        #expect(throws: HTTPClientError.self) { try HTTPResponseParser.parse(self.bytes("SMTP 200 OK\r\n\r\n")) }
        #expect(throws: HTTPClientError.self) {
            try HTTPResponseParser.parse(self.bytes("HTTP/1.1 200 OK\r\nbroken\r\n\r\n"))
        }
        #expect(throws: HTTPClientError.self) {
            try HTTPResponseParser.parse(self.bytes("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"))
        }
        #expect(throws: HTTPClientError.self) {
            try HTTPResponseParser.parse(self.bytes("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nshort"), atEOF: true)
        }
        #expect(throws: HTTPClientError.closed) { try HTTPResponseParser.parse([], atEOF: true) }
    }

    @Test func endpointsComeFromHTTPURLs() throws {
        #expect(try HTTPEndpoint(url: "http://127.0.0.1:8080") == HTTPEndpoint(host: "127.0.0.1", port: 8080))
        #expect(try HTTPEndpoint(url: "http://query/base/") == HTTPEndpoint(host: "query", port: 80, basePath: "/base"))
        #expect(throws: HTTPClientError.self) { try HTTPEndpoint(url: "https://127.0.0.1:8080") }
        #expect(throws: HTTPClientError.self) { try HTTPEndpoint(url: "127.0.0.1:8080") }
    }
}
