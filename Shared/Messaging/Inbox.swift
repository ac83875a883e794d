import Synchronization

/// Received messages on their way from the owner thread to async consumers.
///
/// Bounded on purpose: once `capacity` messages wait, `isFull` makes the owner thread stop
/// reading the socket, so the surplus stays inside libzmq, whose receive high-water mark then
/// applies (SUB drops, DEALER/ROUTER peers wait). `onSpace` wakes the owner thread again.
/// Several consumers may wait at once; each message goes to exactly one, oldest waiter first.
final class Inbox: Sendable {
    enum Outcome: Sendable {
        case message(Frames)
        case finished, timedOut, cancelled
    }

    /// A `receive` call: registered before it suspends so that a timeout or cancellation that
    /// fires first is remembered (`resolved`) instead of lost.
    private enum Slot {
        case pending
        case resolved(Outcome)
        case waiting(CheckedContinuation<Outcome, Never>)
    }

    private struct State {
        var buffer: [Frames] = []
        var head = 0
        var slots: [UInt64: Slot] = [:]
        var waitOrder: [UInt64] = []
        var lastID: UInt64 = 0
        var finished = false

        var count: Int { buffer.count - head }

        mutating func pop() -> Frames? {
            guard head < buffer.count else { return nil }
            let frames = buffer[head]
            head += 1
            if head == buffer.count {
                buffer.removeAll(keepingCapacity: true)
                head = 0
            } else if head >= 1024 {
                buffer.removeFirst(head)
                head = 0
            }
            return frames
        }
    }

    let capacity: Int
    private let onSpace: @Sendable () -> Void
    private let state = Mutex(State())

    init(capacity: Int, onSpace: @escaping @Sendable () -> Void) {
        self.capacity = capacity
        self.onSpace = onSpace
    }

    /// Owner thread: whether to stop reading the socket for now.
    var isFull: Bool { state.withLock { $0.count >= capacity } }

    /// Owner thread: hands `frames` to the oldest waiting consumer, or buffers it.
    func deliver(_ frames: Frames) {
        let waiter = state.withLock { state -> CheckedContinuation<Outcome, Never>? in
            while !state.waitOrder.isEmpty {
                let id = state.waitOrder.removeFirst()
                if case .waiting(let continuation) = state.slots.removeValue(forKey: id) {
                    return continuation
                }
            }
            state.buffer.append(frames)
            return nil
        }
        waiter?.resume(returning: .message(frames))
    }

    /// Owner thread, when the socket is closed: waiting consumers get `.finished`; messages
    /// already buffered are still handed out first.
    func finish() {
        let waiters = state.withLock { state in
            state.finished = true
            let waiting = state.waitOrder.compactMap { id -> CheckedContinuation<Outcome, Never>? in
                guard case .waiting(let continuation) = state.slots.removeValue(forKey: id) else {
                    return nil
                }
                return continuation
            }
            state.waitOrder = []
            return waiting
        }
        for waiter in waiters { waiter.resume(returning: .finished) }
    }

    /// Any task: a message already buffered, at once; nil when none is.
    func take() -> Frames? {
        let (frames, freedSpace) = state.withLock { state -> (Frames?, Bool) in
            let wasFull = state.count >= capacity
            guard let frames = state.pop() else { return (nil, false) }
            return (frames, wasFull)
        }
        if freedSpace { onSpace() }
        return frames
    }

    /// Any task: the next message, or why there is none. Never blocks a thread.
    func receive(timeout: Duration?) async -> Outcome {
        let id = state.withLock { state in
            state.lastID += 1
            state.slots[state.lastID] = .pending
            return state.lastID
        }
        let timer = timeout.map { timeout in
            Task {
                do {
                    try await Task.sleep(for: timeout)
                    self.resolve(id, .timedOut)
                } catch {}
            }
        }
        defer { timer?.cancel() }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Outcome, Never>) in
                let (now, freedSpace) = state.withLock { state -> (Outcome?, Bool) in
                    if case .resolved(let outcome) = state.slots[id] {
                        state.slots[id] = nil
                        return (outcome, false)
                    }
                    let wasFull = state.count >= capacity
                    if let frames = state.pop() {
                        state.slots[id] = nil
                        return (.message(frames), wasFull)
                    }
                    if state.finished {
                        state.slots[id] = nil
                        return (.finished, false)
                    }
                    state.slots[id] = .waiting(continuation)
                    state.waitOrder.append(id)
                    return (nil, false)
                }
                if freedSpace { onSpace() }
                if let now { continuation.resume(returning: now) }
            }
        } onCancel: {
            resolve(id, .cancelled)
        }
    }

    /// Ends receive call `id` with `outcome` (timeout or cancellation) unless it already ended.
    private func resolve(_ id: UInt64, _ outcome: Outcome) {
        let waiter = state.withLock { state -> CheckedContinuation<Outcome, Never>? in
            switch state.slots[id] {
            case .pending:
                state.slots[id] = .resolved(outcome)
                return nil
            case .waiting(let continuation):
                state.slots[id] = nil
                state.waitOrder.removeAll { $0 == id }
                return continuation
            case .resolved, nil:
                return nil
            }
        }
        waiter?.resume(returning: outcome)
    }
}

/// The messages a socket receives, as an async sequence that ends when the socket closes.
/// Iterating it never blocks a thread. It does not keep the socket open: hold the socket.
public struct Messages: AsyncSequence, Sendable {
    public typealias Element = Frames
    public typealias Failure = Never

    let inbox: Inbox

    public func makeAsyncIterator() -> Iterator { Iterator(inbox: inbox) }

    public struct Iterator: AsyncIteratorProtocol, Sendable {
        let inbox: Inbox
        var done = false

        /// The next message; `nil` once the socket is closed or the task is cancelled.
        public mutating func next() async -> Frames? {
            guard !done else { return nil }
            if case .message(let frames) = await inbox.receive(timeout: nil) { return frames }
            done = true
            return nil
        }
    }
}
