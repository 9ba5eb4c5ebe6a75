// Self-relative security descriptor encoding (MS-DTYP 2.4.6): header, then SACL, DACL, owner and
// group (the order Windows' MakeSelfRelativeSD uses), all offsets relative to the start.

private let headerLength = 20
private let objectTypePresent: UInt32 = 0x1
private let inheritedObjectTypePresent: UInt32 = 0x2

extension SecurityDescriptor {
    /// Decodes a self-relative security descriptor (e.g. `nTSecurityDescriptor` or the CA `Security` value).
    public init(selfRelative bytes: [UInt8]) throws(BinaryFormatError) {
        var reader = ByteReader(bytes)
        let revision = try reader.readUInt8("security descriptor revision")
        guard revision == 1 else { throw .unsupportedRevision(what: "security descriptor", offset: 0, value: revision) }
        _ = try reader.readUInt8("security descriptor Sbz1")
        let control = SecurityDescriptorControl(rawValue: try reader.readUInt16("security descriptor control"))
        let ownerOffset = Int(try reader.readUInt32("owner offset"))
        let groupOffset = Int(try reader.readUInt32("group offset"))
        let saclOffset = Int(try reader.readUInt32("SACL offset"))
        let daclOffset = Int(try reader.readUInt32("DACL offset"))

        func component<T>(
            _ what: String, _ offset: Int, _ decode: (inout ByteReader) throws(BinaryFormatError) -> T
        ) throws(BinaryFormatError) -> T? {
            guard offset != 0 else { return nil }
            guard offset >= headerLength, offset < bytes.count else {
                throw .offsetOutOfRange(what: what, offset: offset, bufferSize: bytes.count)
            }
            var sub = ByteReader(bytes, offset: offset)
            return try decode(&sub)
        }

        self.control = control
        self.owner = try component("owner", ownerOffset) { (r: inout ByteReader) throws(BinaryFormatError) in
            try SID(reading: &r)
        }
        self.group = try component("group", groupOffset) { (r: inout ByteReader) throws(BinaryFormatError) in
            try SID(reading: &r)
        }
        self.sacl =
            control.contains(.saclPresent)
            ? try component("SACL", saclOffset) { (r: inout ByteReader) throws(BinaryFormatError) in
                try ACL(reading: &r)
            } : nil
        self.dacl =
            control.contains(.daclPresent)
            ? try component("DACL", daclOffset) { (r: inout ByteReader) throws(BinaryFormatError) in
                try ACL(reading: &r)
            } : nil
    }

    /// Encodes as a self-relative security descriptor.
    ///
    /// Sets `selfRelative` and the present flags of the ACLs that exist; a `nil` DACL keeps the
    /// caller's `daclPresent` flag (present + offset 0 is the NULL DACL).
    public func selfRelativeBytes() throws(BinaryFormatError) -> [UInt8] {
        var flags = control.union(.selfRelative)
        if sacl != nil { flags.insert(.saclPresent) }
        if dacl != nil { flags.insert(.daclPresent) }
        var out: [UInt8] = [1, 0]
        out.appendLittleEndian(flags.rawValue)
        out += [UInt8](repeating: 0, count: 16)
        if let sacl {
            out.storeLittleEndian(UInt32(out.count), at: 12)
            out += try sacl.bytes()
        }
        if let dacl {
            out.storeLittleEndian(UInt32(out.count), at: 16)
            out += try dacl.bytes()
        }
        if let owner {
            out.storeLittleEndian(UInt32(out.count), at: 4)
            out += owner.bytes
        }
        if let group {
            out.storeLittleEndian(UInt32(out.count), at: 8)
            out += group.bytes
        }
        return out
    }
}

extension ACL {
    /// Decodes an ACL that starts at the reader's offset.
    init(reading reader: inout ByteReader) throws(BinaryFormatError) {
        let start = reader.offset
        let revision = try reader.readUInt8("ACL revision")
        guard (2...4).contains(revision) else {
            throw .unsupportedRevision(what: "ACL", offset: start, value: revision)
        }
        _ = try reader.readUInt8("ACL Sbz1")
        let size = Int(try reader.readUInt16("ACL size"))
        let count = Int(try reader.readUInt16("ACE count"))
        _ = try reader.readUInt16("ACL Sbz2")
        guard size >= 8, size <= reader.bytes.count - start else {
            throw .invalidSize(what: "ACL", offset: start, size: size)
        }
        // Minimum ACE is 8 bytes + 8-byte SID; a count that cannot fit is rejected before allocating.
        guard count <= (size - 8) / 4 else { throw .invalidSize(what: "ACL ACE count", offset: start, size: count) }
        let aclBytes = Array(reader.bytes[start..<(start + size)])
        var inner = ByteReader(aclBytes, offset: 8)
        var aces: [ACE] = []
        for _ in 0..<count { aces.append(try ACE(reading: &inner, base: start)) }
        self.init(revision: revision, aces: aces)
    }

    /// Encodes the ACL.
    public func bytes() throws(BinaryFormatError) -> [UInt8] {
        var body: [UInt8] = []
        for ace in aces { body += try ace.bytes() }
        let size = 8 + body.count
        guard size <= Int(UInt16.max), aces.count <= Int(UInt16.max) else {
            throw .invalidSize(what: "ACL", offset: 0, size: size)
        }
        var out: [UInt8] = [revision, 0]
        out.appendLittleEndian(UInt16(size))
        out.appendLittleEndian(UInt16(aces.count))
        out.appendLittleEndian(UInt16(0))
        return out + body
    }
}

extension ACE {
    /// Decodes one ACE; `base` only shifts offsets in error messages to the descriptor's frame.
    init(reading reader: inout ByteReader, base: Int) throws(BinaryFormatError) {
        let start = reader.offset
        let type = ACEType(rawValue: try reader.readUInt8("ACE type"))
        let flags = ACEFlags(rawValue: try reader.readUInt8("ACE flags"))
        let size = Int(try reader.readUInt16("ACE size"))
        guard size >= 4, size - 4 <= reader.remaining else {
            throw .invalidSize(what: "ACE", offset: base + start, size: size)
        }
        let body = try reader.readBytes(size - 4, "ACE body")
        guard type.hasBasicLayout || type.hasObjectLayout else {
            self.init(opaqueType: type, flags: flags, body: body)
            return
        }
        var inner = ByteReader(body)
        let mask = AccessMask(rawValue: try inner.readUInt32("ACE access mask"))
        var objectType: GUID?
        var inheritedObjectType: GUID?
        if type.hasObjectLayout {
            let objectFlags = try inner.readUInt32("object ACE flags")
            guard objectFlags & ~(objectTypePresent | inheritedObjectTypePresent) == 0 else {
                throw .invalidSize(what: "object ACE flags", offset: base + start + 8, size: Int(objectFlags))
            }
            if objectFlags & objectTypePresent != 0 {
                objectType = try GUID(bytes: try inner.readBytes(16, "ACE object type"))
            }
            if objectFlags & inheritedObjectTypePresent != 0 {
                inheritedObjectType = try GUID(bytes: try inner.readBytes(16, "ACE inherited object type"))
            }
        }
        let sid = try SID(reading: &inner)
        let trailing = try inner.readBytes(inner.remaining, "ACE application data")
        self.init(
            type: type, flags: flags, mask: mask, sid: sid, objectType: objectType,
            inheritedObjectType: inheritedObjectType, trailingBytes: trailing)
    }

    /// Encodes the ACE.
    public func bytes() throws(BinaryFormatError) -> [UInt8] {
        var body: [UInt8] = []
        if let opaqueBody {
            body = opaqueBody
        } else {
            body.appendLittleEndian(mask.rawValue)
            if type.hasObjectLayout {
                var objectFlags: UInt32 = 0
                if objectType != nil { objectFlags |= objectTypePresent }
                if inheritedObjectType != nil { objectFlags |= inheritedObjectTypePresent }
                body.appendLittleEndian(objectFlags)
                if let objectType { body += objectType.bytes }
                if let inheritedObjectType { body += inheritedObjectType.bytes }
            }
            body += sid.bytes
            body += trailingBytes
        }
        let size = 4 + body.count
        guard size <= Int(UInt16.max) else { throw .invalidSize(what: "ACE", offset: 0, size: size) }
        var out: [UInt8] = [type.rawValue, flags.rawValue]
        out.appendLittleEndian(UInt16(size))
        return out + body
    }
}
