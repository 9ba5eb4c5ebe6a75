import ADModel

/// CES-B5: clients and policy servers read the Enroll extended right on the CA's pKIEnrollmentService object
/// to decide which CAs to offer; the CA itself enforces its registry DACL (CES-B1). A missing grant is
/// therefore a warning, decided with the same access check as template Enroll (deny ACEs honoured).
public struct B5EnrollmentServiceEnroll: RequesterRule {
    public static let id = "CES-B5"
    public init() {}

    public func pathVerdict(
        ca: EnrollmentServiceRecord, endpoint: EnrollmentServiceRecord.Endpoint?, in context: RuleContext
    ) -> PathVerdict? {
        switch Self.descriptor(of: ca) {
        case .success: return nil
        case .failure(let unread): return PathVerdict(.unknown, unread.message)
        }
    }

    /// The enrollment service object's DACL, parsed once per run; the failure says why it cannot be judged.
    static func descriptor(of ca: EnrollmentServiceRecord) -> Result<SecurityDescriptor, UnreadDescriptor> {
        guard let bytes = ca.securityDescriptor.value else {
            return .failure(
                UnreadDescriptor(message: ca.securityDescriptor.missingReason ?? "nTSecurityDescriptor not read"))
        }
        do {
            return .success(try DescriptorCache.descriptor(bytes))
        } catch {
            return .failure(
                UnreadDescriptor(
                    message:
                        "the enrollment service object of \(ca.name) has a malformed nTSecurityDescriptor: \(error)"))
        }
    }

    struct UnreadDescriptor: Error {
        let message: String
    }

    public func requesterVerdict(_ path: EnrollmentPath, in context: RuleContext) -> Finding {
        // Parsed once per run (DescriptorCache); an unreadable one is the path verdict and does not come here.
        let descriptor: SecurityDescriptor
        switch Self.descriptor(of: path.ca) {
        case .success(let parsed): descriptor = parsed
        case .failure(let unread): return context.finding(Self.id, .unknown, path: path, message: unread.message)
        }
        guard let token = path.requester.token else {
            return context.finding(
                Self.id, .unknown, path: path,
                message: "the requester's groups were not read: \(path.requester.tokenGroups.missingReason ?? "no SID")"
            )
        }
        let decision = descriptor.check(
            token, desired: .controlAccess, objectType: ExtendedRight.certificateEnrollment, mapping: .directoryService)
        let evidence: [String: EvidenceValue] = ["decision": .string(decision.description)]
        let subject =
            "Enroll (0e10c968-78fb-11d2-90d4-00c04f79dc55) on the enrollment service object of \(path.ca.name) for \(path.requester.samAccountName)"
        if decision.isGranted {
            return context.finding(Self.id, .pass, path: path, message: "\(subject): \(decision)", evidence: evidence)
        }
        var message = "\(subject): \(decision)"
        if case .denied(let index, _) = decision, let ace = descriptor.dacl?.aces[safe: index] {
            message += " — deny ACE for \(ace.sid)"
        }
        return context.finding(Self.id, .warn, path: path, message: message, evidence: evidence)
    }
}
