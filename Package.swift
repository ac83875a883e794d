// swift-tools-version: 6.2
//
// Cosmic: the architecture of "Architecture Patterns with Python" as two Swift services.
// The folder layout mirrors the book's diagram; see README.md ("Where each pattern lives").

import PackageDescription

/// Our own targets build in Swift 6 mode with complete concurrency checking, and a warning fails them.
let strict: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .treatAllWarnings(as: .error),
]

/// Test discovery on Linux reads the test targets' index. The scripts build without indexing (a
/// seventh of a clean build went to indexing the dependencies) and name a store for the test targets
/// alone in COSMIC_TEST_INDEX_STORE (`debug_build` in scripts/lib.sh).
let testSettings: [SwiftSetting] =
    strict
    + (Context.environment["COSMIC_TEST_INDEX_STORE"].map { [.unsafeFlags(["-index-store-path", $0])] } ?? [])

let package = Package(
    name: "Cosmic",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "cosmic-command", targets: ["cosmic-command"]),
        .executable(name: "cosmic-query", targets: ["cosmic-query"]),
        .executable(name: "cosmic", targets: ["cosmic"]),
    ],
    dependencies: [
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift.git", from: "0.2.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        // Already in the graph through Hummingbird; named for the query API's parser-error answers.
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        // Already in the graph through PostgresNIO; named for `sslmode` in COSMIC_DATABASE_URL.
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
    ],
    targets: [
        // MARK: Shared kernel: the model and the published language.
        .target(name: "Domain", path: "Shared/Domain", swiftSettings: strict),
        .target(
            name: "Contracts", dependencies: ["Domain"], path: "Shared/Contracts", swiftSettings: strict,
            plugins: ["WireRegistry"]),
        // The wire's tagged unions, generated from Contracts' `*.registry` files (one line per type).
        .plugin(
            name: "WireRegistry", capability: .buildTool(), dependencies: ["WireRegistryGenerator"],
            path: "Plugins/WireRegistry"),
        .executableTarget(
            name: "WireRegistryGenerator", path: "Plugins/WireRegistryGenerator", swiftSettings: strict),

        // MARK: Transport: a thin layer over Debian's libzmq.
        .systemLibrary(
            name: "CZeroMQ", path: "Shared/CZeroMQ",
            providers: [.apt(["libzmq3-dev"])]),
        .target(name: "Messaging", dependencies: ["CZeroMQ"], path: "Shared/Messaging", swiftSettings: strict),

        // MARK: Write side.
        .target(
            name: "CommandService",
            dependencies: [
                "Domain", "Contracts", "Messaging",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            path: "Services/CommandService/Sources", swiftSettings: strict),
        .executableTarget(
            name: "cosmic-command",
            dependencies: [
                "CommandService", "Messaging",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            path: "Services/CommandService/Executable", swiftSettings: strict),

        // MARK: Read side.
        // One C function: SQLite's process-wide settings (`sqlite3_config` is variadic).
        .target(
            name: "CSQLiteSetup", path: "Services/QueryService/CSQLiteSetup",
            linkerSettings: [.linkedLibrary("sqlite3")]),
        .target(
            name: "QueryService",
            dependencies: [
                "Contracts", "Messaging", "CSQLiteSetup",
                .product(name: "GRDB", package: "GRDB.swift"),
                // SQLite's C API, for the projections' hot statements (see ProjectionStatements).
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Services/QueryService/Sources", swiftSettings: strict),
        .executableTarget(
            name: "cosmic-query",
            dependencies: [
                "QueryService", "Contracts", "Messaging",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            path: "Services/QueryService/Executable", swiftSettings: strict),

        // MARK: The command-line client.
        .executableTarget(
            name: "cosmic",
            dependencies: [
                "Contracts", "Messaging",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ],
            path: "Services/CLI", swiftSettings: strict),

        // MARK: Tests.
        .testTarget(
            name: "DomainTests", dependencies: ["Domain"], path: "Tests/DomainTests", swiftSettings: testSettings),
        .testTarget(
            name: "ContractsTests", dependencies: ["Contracts", "Domain"], path: "Tests/ContractsTests",
            resources: [.copy("Fixtures")], swiftSettings: testSettings),
        .testTarget(
            name: "ServiceLayerTests", dependencies: ["CommandService", "Domain", "Contracts"],
            path: "Tests/ServiceLayerTests", swiftSettings: testSettings),
        .testTarget(
            name: "MessagingTests", dependencies: ["Messaging", "TestSupport"], path: "Tests/MessagingTests",
            swiftSettings: testSettings),
        .testTarget(name: "ArchitectureTests", path: "Tests/ArchitectureTests", swiftSettings: testSettings),
        // The CLI's pure parts (bench options, reports, HTTP parsing), through @testable import.
        .testTarget(name: "CLITests", dependencies: ["cosmic"], path: "Tests/CLITests", swiftSettings: testSettings),
        // What the tests on real things share: throwaway databases, waiting on conditions with
        // deadlines, starting and stopping the real executables, addresses no other test can take,
        // and a thread of its own for a stand-in peer.
        .target(
            name: "TestSupport",
            dependencies: [
                "Contracts",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/Support", swiftSettings: strict),
        .testTarget(
            name: "IntegrationTests",
            dependencies: [
                "CommandService", "Domain", "Contracts", "Messaging", "TestSupport",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/IntegrationTests", swiftSettings: testSettings),
        .testTarget(
            name: "QueryServiceTests",
            dependencies: [
                "QueryService", "Contracts", "Messaging", "TestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Tests/QueryServiceTests", swiftSettings: testSettings),
        .testTarget(
            name: "EndToEndTests", dependencies: ["Contracts", "Messaging", "TestSupport"],
            path: "Tests/EndToEndTests", swiftSettings: testSettings),
    ]
)
