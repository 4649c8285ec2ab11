/// Where a checkpoint's values are saved: for each channel the checkpoint
/// whose blob holds its value, and the item layout of the lists saved item
/// by item. A put compares a checkpoint with its parent's layout to save
/// only what changed.
struct SavedLayout: Sendable {
    var locations: [String: String]
    var lists: [String: StoredList]
}
