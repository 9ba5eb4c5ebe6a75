/// A datum read from a host's registry view, or why it is not usable.
public enum RegistryDatum<Value: Sendable & Hashable>: Sendable, Hashable {
    case value(Value)
    /// The key or value is not in the view: not collected, or absent on the host.
    case absent(String)
    /// Present with the wrong type or unusable content (hostile or corrupt data).
    case invalid(String)
}

/// The CA's configuration key, `HKLM\SYSTEM\CurrentControlSet\Services\CertSvc\Configuration\<CA>`, as a `.reg`
/// export or `reg query` output holds it (docs/rules.md §5.1, §5.2).
public struct CARegistryConfiguration: Sendable, Hashable {
    public static let configurationPath = "HKLM\\SYSTEM\\CurrentControlSet\\Services\\CertSvc\\Configuration"

    /// The `<CA>` key's path.
    public var keyPath: String
    /// `Security` (REG_BINARY): the CA's self-relative security descriptor.
    public var security: RegistryDatum<[UInt8]>
    /// `PolicyModules\<Active>\EditFlags` (REG_DWORD).
    public var editFlags: RegistryDatum<UInt32>
    /// `InterfaceFlags` (REG_DWORD), recorded with the findings.
    public var interfaceFlags: RegistryDatum<UInt32>
    /// `PolicyModules\Active` (REG_SZ).
    public var activePolicyModule: String?

    /// Finds the CA key in `view`: the only CA named by a key under `Configuration`, or the one
    /// `Configuration\Active` names. nil when the view holds no key under `Configuration` at all.
    public init?(_ view: RegistryView) throws(CARegistryError) {
        let prefix = Self.configurationPath.lowercased() + "\\"
        // CA names from every key below Configuration: a `reg query … /v EditFlags` of the policy module's key
        // holds only that key, not the CA key above it.
        var names: [String: String] = [:]
        for key in view.keys.values where key.path.lowercased().hasPrefix(prefix) {
            let name = key.path.dropFirst(prefix.count).prefix { $0 != "\\" }
            names[name.lowercased()] = String(name)
        }
        guard !names.isEmpty else { return nil }
        let caName: String
        if names.count == 1, let only = names.values.first {
            caName = only
        } else if case .string(let active)? = view.value(Self.configurationPath, "Active"),
            let named = names[active.lowercased()]
        {
            caName = named
        } else {
            throw .ambiguous(names.values.sorted())
        }
        keyPath = Self.configurationPath + "\\" + caName
        let key = view.key(keyPath) ?? RegistryKey(path: keyPath)
        switch key["Security"] {
        case .binary(let bytes)?: security = .value(bytes)
        case nil: security = .absent("\(keyPath) has no Security value")
        case let other?: security = .invalid("\(keyPath)\\Security is \(other.typeName), not REG_BINARY")
        }
        interfaceFlags = Self.dword(key, "InterfaceFlags")
        let modules = keyPath + "\\PolicyModules"
        switch view.value(modules, "Active") {
        case .string(let name)?, .expandString(let name)?:
            activePolicyModule = name
            if let module = view.key(modules + "\\" + name) {
                editFlags = Self.dword(module, "EditFlags")
            } else {
                editFlags = .absent("\(modules)\\\(name) (the active policy module) is not in the evidence")
            }
        case nil:
            activePolicyModule = nil
            // Without `Active`, a single policy module holding EditFlags is the one (a `/v EditFlags` query).
            let withFlags = view.subkeys(of: modules).filter { $0["EditFlags"] != nil }
            if withFlags.count == 1 {
                editFlags = Self.dword(withFlags[0], "EditFlags")
            } else {
                editFlags = .absent(
                    "\(modules)\\Active is not in the evidence, so the policy module's EditFlags cannot be found")
            }
        case let other?:
            activePolicyModule = nil
            editFlags = .invalid("\(modules)\\Active is \(other.typeName), not REG_SZ")
        }
    }

    static func dword(_ key: RegistryKey, _ name: String) -> RegistryDatum<UInt32> {
        switch key[name] {
        case .dword(let value)?: .value(value)
        case nil: .absent("\(key.path) has no \(name) value")
        case .raw(4, let bytes)?: .invalid("\(key.path)\\\(name) is a REG_DWORD of \(bytes.count) bytes, not 4")
        case let other?: .invalid("\(key.path)\\\(name) is \(other.typeName), not REG_DWORD")
        }
    }
}

public enum CARegistryError: Error, Sendable, Hashable, CustomStringConvertible {
    case ambiguous([String])

    public var description: String {
        switch self {
        case .ambiguous(let paths):
            "several CA keys and no Configuration\\Active naming one: \(paths.prefix(4).joined(separator: ", "))"
        }
    }
}

/// Credential Guard configuration of a host (docs/rules.md §2.8): `HKLM\SYSTEM\CurrentControlSet\Control\Lsa`
/// `LsaCfgFlags` and its policy copy under `HKLM\SOFTWARE\Policies\Microsoft\Windows\DeviceGuard` (which wins).
public struct CredentialGuardConfiguration: Sendable, Hashable {
    public static let lsaPath = "HKLM\\SYSTEM\\CurrentControlSet\\Control\\Lsa"
    public static let policyPath = "HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows\\DeviceGuard"

    /// `Lsa\LsaCfgFlags`; nil when absent.
    public var lsaCfgFlags: UInt32?
    /// `DeviceGuard\LsaCfgFlags` (policy); nil when absent.
    public var policyLsaCfgFlags: UInt32?
    /// `DeviceGuard\EnableVirtualizationBasedSecurity` (policy); nil when absent.
    public var policyVirtualizationBasedSecurity: UInt32?

    /// nil when the view has no `Lsa` key (not collected). Throws for a value of the wrong type.
    public init?(_ view: RegistryView) throws(HostRegistryError) {
        guard let lsa = view.key(Self.lsaPath) else { return nil }
        lsaCfgFlags = try Self.optionalDword(lsa, "LsaCfgFlags")
        let policy = view.key(Self.policyPath)
        policyLsaCfgFlags = try policy.flatMap { key throws(HostRegistryError) in
            try Self.optionalDword(key, "LsaCfgFlags")
        }
        policyVirtualizationBasedSecurity = try policy.flatMap { key throws(HostRegistryError) in
            try Self.optionalDword(key, "EnableVirtualizationBasedSecurity")
        }
    }

    public init(lsaCfgFlags: UInt32?, policyLsaCfgFlags: UInt32?, policyVirtualizationBasedSecurity: UInt32?) {
        self.lsaCfgFlags = lsaCfgFlags
        self.policyLsaCfgFlags = policyLsaCfgFlags
        self.policyVirtualizationBasedSecurity = policyVirtualizationBasedSecurity
    }

    /// Whether Credential Guard is configured on: the policy's `LsaCfgFlags` when set (it needs virtualization-based
    /// security, which a policy value 0 turns off), else the local `LsaCfgFlags`; 1 and 2 mean on. nil when neither
    /// is set: then the Windows default decides (on for Server 2025 domain members that are not DCs, off before).
    public var configuredOn: Bool? {
        if let policy = policyLsaCfgFlags {
            if policyVirtualizationBasedSecurity == 0 { return false }
            return policy == 1 || policy == 2
        }
        return lsaCfgFlags.map { $0 == 1 || $0 == 2 }
    }

    static func optionalDword(_ key: RegistryKey, _ name: String) throws(HostRegistryError) -> UInt32? {
        switch CARegistryConfiguration.dword(key, name) {
        case .value(let value): return value
        case .absent: return nil
        case .invalid(let reason): throw .invalid(reason)
        }
    }
}

/// `HKLM\SOFTWARE\Microsoft\Ole` `EnableDCOM` ("Y" or "N", REG_SZ).
public enum DCOMConfiguration {
    public static let olePath = "HKLM\\SOFTWARE\\Microsoft\\Ole"

    /// True for "Y", false for "N"; nil when the view has no `Ole` key. A key without the value is reported, not
    /// guessed (Windows writes "Y" at setup).
    public static func enableDCOM(_ view: RegistryView) throws(HostRegistryError) -> Bool? {
        guard let ole = view.key(olePath) else { return nil }
        switch ole["EnableDCOM"] {
        case nil: throw .invalid("\(ole.path) has no EnableDCOM value")
        case .string(let text)?:
            switch text.trimmingASCIISpaces().uppercased() {
            case "Y": return true
            case "N": return false
            default: throw .invalid("\(ole.path)\\EnableDCOM is '\(text.prefix(20))', neither Y nor N")
            }
        case let other?: throw .invalid("\(ole.path)\\EnableDCOM is \(other.typeName), not REG_SZ")
        }
    }
}

public enum HostRegistryError: Error, Sendable, Hashable, CustomStringConvertible {
    case invalid(String)

    public var description: String {
        switch self {
        case .invalid(let reason): reason
        }
    }
}
