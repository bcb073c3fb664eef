import Foundation
import PovertyCore

/// Who acts, for which unit, in which branch, through which channel. The first argument of
/// every public Storage operation: Storage checks the role and the branch itself (see
/// `StorageOperation` and `AccessRules`), records the audit of writes and of reads of personal data
/// under the actor's name and channel, and refuses with typed errors.
///
/// Only Storage makes actors: `Store.actor(for:via:)` for a signed-in account (its branch is
/// worked out from its unit on today's tree), `Store.operator(_:)` for the command line.
public struct Actor: Sendable {
    /// Where the request came from; every audit entry says which.
    public enum Channel: String, Sendable, Codable, CaseIterable {
        /// A page of the web app.
        case web
        /// The JSON API (`/api/v1`).
        case api
        /// The `giamngheo` command on the server, run by an operator.
        case cli
    }

    /// The account acting (nil for the command-line operator).
    public let accountID: Int?
    /// The account's user name, or the operator's name: what the audit log shows.
    public let name: String
    public let role: Role
    /// The unit the actor works for; nil for the command-line operator, who acts for the province.
    public let unitID: Int?
    /// The branch the actor may see and touch.
    public let scope: Scope
    public let channel: Channel
    /// The tree as read for this actor (the same snapshot the scope was worked out on).
    public let history: OrgHistory
    /// Changes whenever the tree, the reviews or the targets change (for cached figures).
    public let dataVersion: String
    /// The password the account was read with (`Account.credential`): a token is made only
    /// while it is still the account's.
    let credential: Credential?

    init(accountID: Int?, name: String, role: Role, unitID: Int?, scope: Scope, channel: Channel, history: OrgHistory, dataVersion: String,
         credential: Credential? = nil) {
        self.accountID = accountID; self.name = name; self.role = role; self.unitID = unitID
        self.scope = scope; self.channel = channel; self.history = history; self.dataVersion = dataVersion
        self.credential = credential
    }

    /// The command-line operator: acts for the whole province under a name of their own.
    public var isOperator: Bool { accountID == nil }

    /// The unit the actor acts for in unit-to-unit steps (report workflow, campaign
    /// approval, a loan's write-off): nil for an administrator of the whole province and the
    /// operator, who may act for any unit. An administrator of a branch acts as its own unit
    /// there, as its officers do: it does not accept its own unit's report, nor approve gifts
    /// to its own households.
    public var actingUnit: Int? { role == .administrator && scope.isWholeProvince ? nil : unitID }

    /// The same actor with the tree read again (after a change to the tree).
    func refreshed(history: OrgHistory, dataVersion: String) -> Actor {
        Actor(accountID: accountID, name: name, role: role, unitID: unitID, scope: scope, channel: channel, history: history, dataVersion: dataVersion,
              credential: credential)
    }
}

extension Store {
    /// The actor of a signed-in account through `channel`: its branch is the unit's subtree on
    /// today's tree with the units whose history leads into it, or the whole province for an
    /// account of a root unit. Worked out once per unit, day and data version.
    public func actor(for account: Account, via channel: Actor.Channel) async throws -> Actor {
        let (history, version) = try await snapshot()
        let today = self.today
        // An account of a unit that has ended (merged, split, dissolved) sees and touches
        // nothing until an administrator moves it to a unit that stands (`Accounts.reassign`):
        // its old unit's records are its successor's now.
        var scope = Scope.nothing
        if history.units[account.unitID]?.isActive(on: today) == true {
            scope = try await scopes.value("\(account.unitID)/\(today.iso)", version: version) { Scope.branch(of: account.unitID, in: history, on: today) }
        }
        return Actor(accountID: account.id, name: account.username, role: account.role, unitID: account.unitID, scope: scope,
                     channel: channel, history: history, dataVersion: version, credential: account.credential)
    }

    /// The command-line operator `name` (the `--user` of a command, or the shell's user):
    /// an administrator of the whole province whose audit entries name them and the channel.
    public func `operator`(_ name: String) async throws -> Actor {
        let (history, version) = try await snapshot()
        let clean = String(name.unicodeScalars.filter { !CharacterSet.controlCharacters.contains($0) }.prefix(60))
        return Actor(accountID: nil, name: clean.isEmpty ? "operator" : clean, role: .administrator, unitID: nil, scope: .province,
                     channel: .cli, history: history, dataVersion: version)
    }
}

extension Store {
    /// An officer of `unitID` who has no account here: the demo province's simulated officers
    /// (each unit's own writes its report), and tests. Acts through the command line under
    /// `name`, with the branch an account of that unit would have.
    @_spi(Simulation)
    public func simulatedOfficer(_ name: String, role: Role, unitID: Int) async throws -> Actor {
        let (history, version) = try await snapshot()
        let scope = Scope.branch(of: unitID, in: history, on: today)
        return Actor(accountID: nil, name: name, role: role, unitID: unitID, scope: scope, channel: .cli, history: history, dataVersion: version)
    }
}
