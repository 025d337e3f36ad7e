// Routes come in groups, one per API resource; ServerRouter registers every group. New
// resources (exports, LeMUR, streaming) are new groups.

import Hummingbird

protocol RouteGroup {
    func register(on router: Router<ServerContext>)
}
