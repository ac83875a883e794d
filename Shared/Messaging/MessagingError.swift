internal import CZeroMQ

/// Everything the messaging layer can throw.
///
/// libzmq failures keep the C error code *and* libzmq's text, so callers can match on the code
/// (`EADDRINUSE`) while logs still say what the operating system said ("Address already in use").
public enum MessagingError: Error, Equatable, CustomStringConvertible {
    /// A libzmq (or OS) call failed. `operation` names the call and its argument, e.g. `bind tcp://…`.
    case zmq(operation: String, code: Int32, message: String)
    /// The socket or its context is closed: nothing more can be sent, nothing more will arrive.
    case closed
    /// Nothing arrived before the deadline.
    case timeout
    /// The waiting task was cancelled.
    case cancelled
    /// The call makes no sense for this socket, e.g. sending on SUB or sending zero frames.
    case invalid(String)

    /// Captures `zmq_errno()` right after a failed libzmq call.
    static func lastZMQ(_ operation: String) -> MessagingError {
        code(zmq_errno(), operation)
    }

    /// Wraps an explicit error number (libzmq's `zmq_strerror` also knows the OS's numbers).
    static func code(_ code: Int32, _ operation: String) -> MessagingError {
        .zmq(operation: operation, code: code, message: String(cString: zmq_strerror(code)))
    }

    /// The C error number, when the error came from libzmq or the OS.
    public var code: Int32? {
        if case .zmq(_, let code, _) = self { return code }
        return nil
    }

    public var description: String {
        switch self {
        case .zmq(let operation, let code, let message):
            "\(operation) failed: \(message) (errno \(code))"
        case .closed: "socket closed"
        case .timeout: "timed out"
        case .cancelled: "cancelled"
        case .invalid(let reason): reason
        }
    }
}
