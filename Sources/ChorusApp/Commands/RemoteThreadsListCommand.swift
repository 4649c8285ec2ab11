import ChorusGraph
import ChorusRemote
import ChorusStore
import ChorusTUI

/// `chorus threads list --server URL`: the server's threads, most recently updated first, as `ThreadsListCommand` prints local ones.
public enum RemoteThreadsListCommand {
    public static func lines(connection: ServerConnection, json: Bool, includeArchived: Bool) async throws -> [String] {
        var records: [ThreadRecord] = []
        try await RemoteBackend.threads(on: connection.client, includeArchived: includeArchived) { records += $0.map(RemoteBackend.record) }
        return ThreadsListCommand.lines(records, json: json)
    }
}
