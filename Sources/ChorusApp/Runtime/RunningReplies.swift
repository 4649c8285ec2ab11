import ChorusGraph
import ChorusStore
import ChorusSupport
import Foundation

/// The reply and research runs the app started, by where they write. Each
/// is let go the moment it ends: a finished task keeps its stack memory for
/// as long as anything holds it, so a session that replies in thousands of
/// threads would otherwise keep a little of every one of them. Quitting
/// cancels and awaits those still running.
final class RunningReplies: Sendable {
    enum Slot: Hashable, Sendable {
        /// A reply, an answer or a resumed research run in this thread (or the draft).
        case thread(ThreadKey)
        /// A research run whose thread is not saved yet.
        case newResearch
    }

    private let running = Locked<[Slot: (id: UUID, task: Task<Void, Never>)]>([:])

    /// Runs `work` in `slot`; a run already there goes on, no longer tracked.
    func start(_ slot: Slot, _ work: @escaping @Sendable () async -> Void) {
        let id = UUID()
        let running = self.running
        // Stored under the lock its own end takes, so a run that ends at once is still let go.
        running.withLock { runs in
            runs[slot] = (id, Task {
                await work()
                running.withLock { runs in
                    if let slot = runs.first(where: { $0.value.id == id })?.key { runs[slot] = nil }
                }
            })
        }
    }

    /// Moves a run to the slot it now writes to (a draft's reply once its thread is saved).
    func move(_ from: Slot, to: Slot) {
        running.withLock { runs in
            if let run = runs.removeValue(forKey: from) { runs[to] = run }
        }
    }

    /// Takes the run out of its slot (to cancel it); nil when none runs there.
    func take(_ slot: Slot) -> Task<Void, Never>? {
        running.withLock { $0.removeValue(forKey: slot)?.task }
    }

    /// The runs still going.
    var all: [Task<Void, Never>] { running.withLock { $0.values.map(\.task) } }
}
