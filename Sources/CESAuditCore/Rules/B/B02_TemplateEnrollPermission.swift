import ADModel
import Foundation

/// CES-B2: the template's DACL must grant the requester Enroll (MS-CRTD 2.5.1), deny ACEs and ACE order
/// honoured; otherwise the CA answers CERTSRV_E_TEMPLATE_DENIED.
public struct B2TemplateEnrollPermission: RequesterTemplateRule {
    public static let id = "CES-B2"
    public init() {}

    public func evaluate(_ path: TemplatePath, in context: RuleContext) -> Finding {
        guard let requester = path.requester else { return context.noRequester(Self.id, path) }
        guard let bytes = path.template.securityDescriptor.value else {
            return context.finding(
                Self.id, .unknown, path: path, message: path.template.securityDescriptor.missingReason ?? "not read")
        }
        guard let token = requester.token else {
            return context.finding(
                Self.id, .unknown, path: path,
                message: "the requester's groups were not read: \(requester.tokenGroups.missingReason ?? "no SID")"
            )
        }
        let descriptor: SecurityDescriptor
        do {
            descriptor = try DescriptorCache.descriptor(bytes)
        } catch {
            return context.finding(
                Self.id, .unknown, path: path,
                message: "template \(path.template.name) has a malformed nTSecurityDescriptor: \(error)")
        }
        let decision = TemplateEnrollmentRights.enroll(descriptor: descriptor, token: token)
        let evidence: [String: EvidenceValue] = ["decision": .string(decision.description)]
        if decision.isGranted {
            return context.finding(
                Self.id, .pass, path: path, message: "Enroll on template \(path.template.name): \(decision)",
                evidence: evidence)
        }
        var message = "Enroll on template \(path.template.name): \(decision)"
        if case .denied(let index, _) = decision, let ace = descriptor.dacl?.aces[safe: index] {
            message += " — deny ACE for \(ace.sid)"
        }
        return context.finding(Self.id, .fail, path: path, message: message, evidence: evidence)
    }
}

extension Array {
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
