/// An element of an XML configuration file: its name, attributes and parent (index into the list).
public struct ConfigElement: Sendable, Hashable {
    public var name: String
    /// Attribute names lower-cased (IIS reads them case-sensitively, but a wrong case is a mistake worth matching).
    public var attributes: [String: String]
    public var parent: Int?
}

public enum ConfigXMLError: Error, Sendable, Hashable, CustomStringConvertible {
    case undecodableText
    case malformed(offset: Int, reason: String)
    case tooDeep

    public var description: String {
        switch self {
        case .undecodableText: "XML file is neither UTF-16 with a byte-order mark nor UTF-8"
        case .malformed(let offset, let reason): "malformed XML at character \(offset): \(reason)"
        case .tooDeep: "XML nesting deeper than \(ConfigXML.maximumDepth) elements"
        }
    }
}

/// Just enough XML for IIS's `applicationHost.config` and `web.config`: elements, attributes, comments, processing
/// instructions, CDATA and DOCTYPE skipped; character data ignored. Entities `&lt; &gt; &amp; &quot; &apos;` and
/// numeric references are decoded in attribute values.
public enum ConfigXML {
    static let maximumDepth = 256

    public static func elements(bytes: [UInt8]) throws(ConfigXMLError) -> [ConfigElement] {
        guard let text = TextDecoding.decode(bytes) else { throw .undecodableText }
        return try elements(text)
    }

    public static func elements(_ text: String) throws(ConfigXMLError) -> [ConfigElement] {
        let scalars = Array(text.unicodeScalars)
        var elements: [ConfigElement] = []
        var stack: [Int] = []
        var index = 0
        func fail(_ reason: String) -> ConfigXMLError { .malformed(offset: index, reason: reason) }
        func starts(_ prefix: String, at position: Int) -> Bool {
            var offset = position
            for scalar in prefix.unicodeScalars {
                guard offset < scalars.count, scalars[offset] == scalar else { return false }
                offset += 1
            }
            return true
        }
        func skip(past terminator: String) throws(ConfigXMLError) {
            while index < scalars.count {
                if starts(terminator, at: index) {
                    index += terminator.unicodeScalars.count
                    return
                }
                index += 1
            }
            throw fail("unterminated construct (no '\(terminator)')")
        }
        func isNameScalar(_ scalar: Unicode.Scalar) -> Bool {
            !scalar.properties.isWhitespace && !"<>/=\"'!?".unicodeScalars.contains(scalar)
        }
        func name() throws(ConfigXMLError) -> String {
            let start = index
            while index < scalars.count, isNameScalar(scalars[index]) { index += 1 }
            guard index > start else { throw fail("expected a name") }
            var text = ""
            text.unicodeScalars.append(contentsOf: scalars[start..<index])
            return text
        }
        func skipSpace() {
            while index < scalars.count, scalars[index].properties.isWhitespace { index += 1 }
        }
        while index < scalars.count {
            guard scalars[index] == "<" else {
                index += 1
                continue
            }
            if starts("<!--", at: index) {
                try skip(past: "-->")
            } else if starts("<![CDATA[", at: index) {
                try skip(past: "]]>")
            } else if starts("<?", at: index) {
                try skip(past: "?>")
            } else if starts("<!", at: index) {
                try skip(past: ">")
            } else if starts("</", at: index) {
                index += 2
                let closing = try name()
                skipSpace()
                guard index < scalars.count, scalars[index] == ">" else {
                    throw fail("expected '>' after </\(closing)")
                }
                index += 1
                guard let open = stack.popLast(), elements[open].name == closing else {
                    throw fail("</\(closing)> does not close the open element")
                }
            } else {
                index += 1
                var element = ConfigElement(name: try name(), attributes: [:], parent: stack.last)
                var selfClosing = false
                while true {
                    skipSpace()
                    guard index < scalars.count else { throw fail("unterminated <\(element.name)") }
                    if scalars[index] == ">" {
                        index += 1
                        break
                    }
                    if scalars[index] == "/" {
                        guard index + 1 < scalars.count, scalars[index + 1] == ">" else { throw fail("expected '/>'") }
                        index += 2
                        selfClosing = true
                        break
                    }
                    let attribute = try name()
                    skipSpace()
                    guard index < scalars.count, scalars[index] == "=" else {
                        throw fail("expected '=' after \(attribute)")
                    }
                    index += 1
                    skipSpace()
                    guard index < scalars.count, scalars[index] == "\"" || scalars[index] == "'" else {
                        throw fail("expected a quoted value for \(attribute)")
                    }
                    let quote = scalars[index]
                    index += 1
                    let start = index
                    while index < scalars.count, scalars[index] != quote {
                        guard scalars[index] != "<" else { throw fail("'<' in the value of \(attribute)") }
                        index += 1
                    }
                    guard index < scalars.count else { throw fail("unterminated value of \(attribute)") }
                    var raw = ""
                    raw.unicodeScalars.append(contentsOf: scalars[start..<index])
                    index += 1
                    guard let value = decodeEntities(raw) else {
                        throw fail("unknown entity in the value of \(attribute)")
                    }
                    element.attributes[attribute.lowercased()] = value
                }
                elements.append(element)
                if !selfClosing {
                    guard stack.count < maximumDepth else { throw .tooDeep }
                    stack.append(elements.count - 1)
                }
            }
        }
        guard stack.isEmpty else {
            throw .malformed(offset: index, reason: "<\(elements[stack[stack.count - 1]].name)> is never closed")
        }
        return elements
    }

    static func decodeEntities(_ text: String) -> String? {
        guard text.contains("&") else { return text }
        var out = ""
        var rest = Substring(text)
        while let amp = rest.firstIndex(of: "&") {
            out += rest[..<amp]
            guard let semicolon = rest[amp...].firstIndex(of: ";"), rest.distance(from: amp, to: semicolon) <= 10 else {
                return nil
            }
            let entity = rest[rest.index(after: amp)..<semicolon]
            switch entity {
            case "lt": out += "<"
            case "gt": out += ">"
            case "amp": out += "&"
            case "quot": out += "\""
            case "apos": out += "'"
            default:
                let number: UInt32?
                if entity.hasPrefix("#x") || entity.hasPrefix("#X") {
                    number = UInt32(entity.dropFirst(2), radix: 16)
                } else if entity.hasPrefix("#") {
                    number = UInt32(entity.dropFirst(), radix: 10)
                } else {
                    number = nil
                }
                guard let number, let scalar = Unicode.Scalar(number) else { return nil }
                out.unicodeScalars.append(scalar)
            }
            rest = rest[rest.index(after: semicolon)...]
        }
        return out + rest
    }
}

/// An IIS site from `applicationHost.config`: `<sites><site name=…><bindings><binding …/>` and its
/// `<application path=…>` elements.
public struct IISSite: Sendable, Hashable {
    public var name: String
    /// `protocol bindingInformation` of each binding, e.g. `https *:443:`.
    public var bindings: [String]
    /// Application paths as written (`/`, `/CA01_CES_Kerberos`).
    public var applications: [String]
}

public enum IISConfiguration {
    /// Every `<site>` under `<sites>`, in file order.
    public static func sites(_ elements: [ConfigElement]) -> [IISSite] {
        var sites: [Int: IISSite] = [:]
        var order: [Int] = []
        for (index, element) in elements.enumerated() {
            switch element.name {
            case "site" where element.parent.map({ elements[$0].name == "sites" }) == true:
                sites[index] = IISSite(name: element.attributes["name"] ?? "?", bindings: [], applications: [])
                order.append(index)
            case "binding" where element.parent.map({ elements[$0].name == "bindings" }) == true:
                guard let site = ancestor(of: index, named: "site", in: elements) else { continue }
                sites[site]?.bindings.append(
                    "\(element.attributes["protocol"] ?? "?") \(element.attributes["bindinginformation"] ?? "?")")
            case "application":
                guard let site = ancestor(of: index, named: "site", in: elements) else { continue }
                sites[site]?.applications.append(element.attributes["path"] ?? "?")
            default: continue
            }
        }
        return order.compactMap { sites[$0] }
    }

    /// `<system.serviceModel><serviceHostingEnvironment multipleSiteBindingsEnabled="…"/>`: true or false as set,
    /// nil when the attribute or element is absent (WCF's default is false).
    public static func multipleSiteBindingsEnabled(_ elements: [ConfigElement]) -> Bool? {
        for element in elements where element.name == "serviceHostingEnvironment" {
            guard let parent = element.parent, elements[parent].name == "system.serviceModel",
                let value = element.attributes["multiplesitebindingsenabled"]
            else { continue }
            return value.trimmingASCIISpaces().lowercased() == "true"
        }
        return nil
    }

    static func ancestor(of index: Int, named name: String, in elements: [ConfigElement]) -> Int? {
        var current = elements[index].parent
        while let position = current {
            if elements[position].name == name { return position }
            current = elements[position].parent
        }
        return nil
    }
}

/// `<windowsAuthentication>` under `system.webServer/security/authentication`, server-wide or in a
/// `<location path="Site/App">`: the settings that decide which key decrypts Kerberos tickets (CES-C8).
public struct IISWindowsAuthentication: Sendable, Hashable {
    /// The `<location path>` (`Default Web Site/CA_CES_Kerberos`), "" for the server-wide section.
    public var location: String
    public var enabled: Bool?
    /// IIS's default is true: kernel-mode authentication decrypts tickets with the computer account's key.
    public var useKernelMode: Bool?
    /// True: kernel mode uses the application pool identity's key instead.
    public var useAppPoolCredentials: Bool?

    public init(location: String, enabled: Bool?, useKernelMode: Bool?, useAppPoolCredentials: Bool?) {
        self.location = location
        self.enabled = enabled
        self.useKernelMode = useKernelMode
        self.useAppPoolCredentials = useAppPoolCredentials
    }
}

extension IISConfiguration {
    /// Every `windowsAuthentication` element, with the `<location>` it is in.
    public static func windowsAuthentication(_ elements: [ConfigElement]) -> [IISWindowsAuthentication] {
        func flag(_ element: ConfigElement, _ name: String) -> Bool? {
            element.attributes[name.lowercased()].map { $0.trimmingASCIISpaces().lowercased() == "true" }
        }
        return elements.indices.filter { elements[$0].name == "windowsAuthentication" }.map { index in
            let element = elements[index]
            let location = ancestor(of: index, named: "location", in: elements).flatMap {
                elements[$0].attributes["path"]
            }
            return IISWindowsAuthentication(
                location: location ?? "", enabled: flag(element, "enabled"),
                useKernelMode: flag(element, "useKernelMode"),
                useAppPoolCredentials: flag(element, "useAppPoolCredentials"))
        }
    }
}
