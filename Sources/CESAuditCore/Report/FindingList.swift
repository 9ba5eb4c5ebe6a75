// The findings spool is its own target (`_CESAuditSpool`), so that above the C layer its raw file descriptors and
// `@unchecked Sendable` types live in one small place; every module that imports CESAuditCore sees its lists.
@_exported import _CESAuditSpool

/// The listed findings of a report.
public typealias FindingList = SpooledList<Finding>

/// Finding identities (`AuditReport.Changes`).
public typealias FindingIdentityList = SpooledList<FindingIdentity>
