/// The chat API's routes, declared once: the app stack creates one authorized API Gateway route
/// for each, and the runtime's contract lists them so a test proves the function answers each one.
public enum ChatRoutes {
    public static let all = [
        "POST /conversations/{id}/messages",
        "GET /conversations/{id}/messages",
        "PUT /conversations/{id}",
        "DELETE /conversations/{id}",
        "PUT /bots/{id}",
        "DELETE /bots/{id}",
        "GET /bots/search",
        "GET /conversations/search",
        // Bedrock Chat's bot store, for its front end.
        "GET /store/search",
        "GET /store/popular",
        "GET /store/pickup",
        "GET /store/bots/{id}",
    ]
}
