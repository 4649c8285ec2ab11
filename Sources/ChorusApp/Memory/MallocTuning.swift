import CMallocTuning

/// How the app asks glibc's malloc to keep its resident set flat over a long
/// session. glibc gives a thread that allocates while the others hold their
/// arenas an arena of its own (up to 8 a core) and keeps the pages freed in
/// each; the 2-hour soak saw libdispatch add worker threads and each new
/// arena settle at about 5 MB of such pages, so the resident set crept up
/// while the heap in use stayed flat. Both calls do nothing where malloc is
/// not glibc's (or a sanitizer's stands in for it).
public enum MallocTuning {
    /// The arenas the process may have: two, so the two threads most busy at
    /// once rarely wait on each other's lock, and no idle arena holds pages.
    public static let arenaLimit = 2

    /// Caps malloc's arenas at `arenaLimit`; call first thing in `main`.
    /// Returns whether malloc took the cap (false where it is not glibc's).
    @discardableResult public static func limitArenas() -> Bool { chorus_limit_malloc_arenas(Int32(arenaLimit)) == 1 }

    /// Gives the pages of malloc's free chunks, in every arena, back to the system.
    @Sendable public static func releaseFreePages() { _ = chorus_release_free_pages() }
}
