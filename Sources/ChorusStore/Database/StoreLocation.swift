/// Where the database lives: `--db PATH`, else `$CHORUS_DB`, else
/// `$XDG_DATA_HOME/chorus/chorus.sqlite` (default `~/.local/share/chorus/`).
public enum StoreLocation {
    public static func resolve(flag: String?, environment: [String: String]) -> String {
        if let flag, !flag.isEmpty { return flag }
        if let env = environment["CHORUS_DB"], !env.isEmpty { return env }
        let dataHome: String
        if let xdg = environment["XDG_DATA_HOME"], !xdg.isEmpty {
            dataHome = xdg
        } else {
            dataHome = (environment["HOME"] ?? ".") + "/.local/share"
        }
        return dataHome + "/chorus/chorus.sqlite"
    }
}
