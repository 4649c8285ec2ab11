import ChorusGraph

/// A checkpoint this instance saved or read, with where each channel's
/// value is saved (the checkpoint that wrote it): what a put diffs against.
typealias SavedCheckpoint = RecentCheckpoints<[String: String]>.Entry

extension RecentCheckpoints.Entry where Layout == [String: String] {
    /// The checkpoint whose blob holds each channel's value.
    var locations: [String: String] { layout }
}
