import Contracts
import Foundation

extension JSONValue {
    init(_ data: Data) throws { self = try JSONDecoder().decode(JSONValue.self, from: data) }
}
