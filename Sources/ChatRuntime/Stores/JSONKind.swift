/// What a JSON value of a decoded Swift type is, in the words of JSON (`a string`, `a list`), for
/// messages about input that name no Swift type: the API's strict bodies and chat-store's arguments.
public enum JSONKind {
    public static func name(of type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Int64.Type, is Double.Type: "a number"
        case is Bool.Type: "true or false"
        case is [Any].Type: "a list"
        default: "an object"
        }
    }
}
