import Foundation

/// Minimal reader for `ldapsearch -LLL -o ldif-wrap=no` output: the reference the tests compare against.
enum LDIF {
    struct Record: Equatable {
        var dn: String
        var attributes: [String: [Data]]
    }

    static func parse(_ data: Data) -> [Record] {
        var records: [Record] = []
        var current: Record?
        for rawLine in String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false) {
            let line = String(rawLine)
            if line.isEmpty {
                if let record = current { records.append(record) }
                current = nil
                continue
            }
            if line.hasPrefix("#") { continue }
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = String(line[..<colon])
            var rest = line[line.index(after: colon)...]
            let value: Data
            if rest.hasPrefix(":") {
                rest = rest.dropFirst().drop { $0 == " " }
                value = Data(base64Encoded: String(rest)) ?? Data()
            } else {
                value = Data(rest.drop { $0 == " " }.utf8)
            }
            if name == "dn" {
                current = Record(dn: String(decoding: value, as: UTF8.self), attributes: [:])
            } else {
                current?.attributes[name.lowercased(), default: []].append(value)
            }
        }
        if let record = current { records.append(record) }
        return records
    }
}
