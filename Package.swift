// swift-tools-version:6.0
// libassemblyai: the AssemblyAI SDK as a native library.
//   AssemblyAI      the SDK as a Swift API (no C callers in mind)
//   AssemblyAIC     the C ABI: only @_cdecl exports, handle tables, error mapping -> libassemblyai.so
//   CCurl           libcurl, with C shims for its variadic calls
//   CAssemblyAI     include/assemblyai.h as a module, so the exports use the header's own types
//   CALSA           ALSA's headers; libasound2 itself is loaded at run time, only for the microphone
//   CEspeak         espeak-ng's header, for the local server's Text-to-Speech only (never the library)
//   LocalServer     assemblyai-server, the local AssemblyAI-compatible server (never linked into the library);
//                   it reads the API specs in spec/ (staged beside its binary), which the generators read too
import PackageDescription

let root = Context.packageDirectory

let package = Package(
    name: "libassemblyai",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "assemblyai", type: .dynamic, targets: ["AssemblyAIC"]),
        .executable(name: "assemblyai-server", targets: ["LocalServer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket.git", from: "2.8.1"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
    ],
    targets: [
        .systemLibrary(name: "CCurl", path: "Sources/CCurl", pkgConfig: "libcurl",
                       providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CAssemblyAI", path: "Sources/CAssemblyAI"),
        .systemLibrary(name: "CALSA", path: "Sources/CALSA", providers: [.apt(["libasound2-dev"])]),
        // espeak-ng: real speech for the local server's Text-to-Speech endpoints (LocalServer only).
        .systemLibrary(name: "CEspeak", path: "Sources/CEspeak", providers: [.apt(["libespeak-ng-dev"])]),
        .target(name: "AssemblyAI", dependencies: ["CCurl", "CALSA"]),
        .target(
            name: "AssemblyAIC",
            dependencies: ["AssemblyAI", "CAssemblyAI"],
            exclude: ["exports.map"],
            linkerSettings: [
                .unsafeFlags([
                    "-Xlinker", "-soname=libassemblyai.so.0",
                    "-Xlinker", "--version-script=\(root)/Sources/AssemblyAIC/exports.map",
                ]),
            ]
        ),
        .executableTarget(
            name: "LocalServer",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                "CEspeak",
            ]
        ),
        .testTarget(name: "AssemblyAITests", dependencies: ["AssemblyAI"]),
    ]
)
