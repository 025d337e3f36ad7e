// The router: middlewares in the order a request meets them, then every route group.
//   ErrorShape  -> every failure leaves as {"error": "..."}
//   Recording   -> body read and parsed once, request recorded (before auth, so tests see
//                  rejected requests too)
//   Faults      -> armed faults (Faults.swift) hit matching requests
//   Auth        -> 401 for a missing or wrong key
//   Validation  -> 400 for anything the specs reject

import Hummingbird

func buildRouter(state: ServerState) -> Router<ServerContext> {
    let router = Router(context: ServerContext.self)
    router.add(middleware: ErrorShapeMiddleware<ServerContext>())
    router.add(middleware: RecordingMiddleware(recorder: state.recorder, streamsBody: { UploadRoutes.streamsBody($0) || AudioRequestRoutes.streamsBody($0) }))
    router.add(middleware: FaultMiddleware(faults: state.faults))
    router.add(middleware: AuthMiddleware(keys: state.config.apiKeys))
    router.add(middleware: ValidationMiddleware(specs: state.specs))
    let groups: [any RouteGroup] = [
        LocalRoutes(state: state),
        UploadRoutes(state: state),
        TranscriptRoutes(state: state),
        StreamingRoutes(state: state),
        LookupRoutes(state: state),
        LemurRoutes(state: state),
        GatewayRoutes(state: state),
        AudioRequestRoutes(state: state),
        RecognizerRoutes(state: state),
        TTSRoutes(state: state),
    ]
    for group in groups { group.register(on: router) }
    return router
}
