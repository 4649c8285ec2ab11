/// A run was refused because its thread is busy (multitask strategy `reject`).
public struct ThreadBusy: Error, Sendable {
    public init() {}
}
