import CLDAP

/// Finds domain controllers the way Windows clients do: DNS SRV records `_ldap._tcp.<domain>`
/// (RFC 2782 order: lowest priority first, then highest weight).
public enum DomainControllerLocator {
    public struct ServiceRecord: Sendable, Equatable {
        public let priority: UInt16
        public let weight: UInt16
        public let port: UInt16
        public let target: String
    }

    public static func ldapURIs(domain: String) -> [LDAPURI] {
        serviceRecords("_ldap._tcp.\(domain)").map { record in
            LDAPURI(scheme: .ldap, host: record.target, port: record.port == 389 ? nil : Int(record.port))
        }
    }

    /// SRV records for a name; empty when DNS has none or cannot be asked.
    public static func serviceRecords(_ name: String) -> [ServiceRecord] {
        var answer = [UInt8](repeating: 0, count: 8192)
        let length = cldap_res_query(
            name, Int32(ns_c_in.rawValue), Int32(ns_t_srv.rawValue), &answer, Int32(answer.count))
        guard length > 0, length <= answer.count else { return [] }
        var records: [ServiceRecord] = []
        answer.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            var message = ns_msg()
            guard ns_initparse(base, length, &message) == 0 else { return }
            let count = Int(message._counts.1)  // answer section
            for index in 0..<count {
                var record = ns_rr()
                guard ns_parserr(&message, ns_s_an, Int32(index), &record) == 0,
                    record.type == UInt16(ns_t_srv.rawValue), record.rdlength >= 7, let rdata = record.rdata
                else { continue }
                func field(_ offset: Int) -> UInt16 { UInt16(rdata[offset]) << 8 | UInt16(rdata[offset + 1]) }
                var target = [CChar](repeating: 0, count: 1025)
                guard cldap_dn_expand(base, base + Int(length), rdata + 6, &target, Int32(target.count)) > 0 else {
                    continue
                }
                records.append(
                    ServiceRecord(
                        priority: field(0), weight: field(2), port: field(4),
                        target: String(decoding: target.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                    ))
            }
        }
        return records.filter { $0.target != "." && !$0.target.isEmpty }.sorted {
            ($0.priority, UInt16.max - $0.weight) < ($1.priority, UInt16.max - $1.weight)
        }
    }
}

/// Reads the local Kerberos configuration (KRB5_CONFIG or /etc/krb5.conf).
public enum KerberosConfiguration {
    public static func defaultRealm() -> String? {
        var context: krb5_context?
        guard krb5_init_context(&context) == 0, let context else { return nil }
        defer { krb5_free_context(context) }
        var realm: UnsafeMutablePointer<CChar>?
        guard krb5_get_default_realm(context, &realm) == 0, let realm else { return nil }
        defer { krb5_free_default_realm(context, realm) }
        return String(cString: realm)
    }
}
