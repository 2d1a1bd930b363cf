import BoxOfficeCrypto
import Foundation

/// The opaque `page_token` of lists: the last row's creation time (microseconds) and id,
/// base64url, so the next page starts strictly after it (keyset paging, stable under inserts).
enum PageToken {
    /// Rows per page when the caller names none.
    static let pageSizeDefault = 50
    /// The most rows per page; larger requests are clamped to it.
    static let pageSizeMax = 500

    static func pageSize(_ requested: Int32) throws(PaymentsError) -> Int {
        guard requested >= 0 else { throw PaymentsError.invalid("pageSize", "must not be negative") }
        return requested == 0 ? Self.pageSizeDefault : min(Int(requested), Self.pageSizeMax)
    }

    static func encode(_ cursor: PaymentStore.Cursor) -> String {
        let micros = Int64((cursor.createdAt.timeIntervalSince1970 * 1_000_000).rounded())
        return Base64URL.encode(Array("\(micros):\(cursor.id.uuidString.lowercased())".utf8))
    }

    static func decode(_ token: String) throws(PaymentsError) -> PaymentStore.Cursor? {
        guard !token.isEmpty else { return nil }
        guard let bytes = try? Base64URL.decodeUnpadded(token),
            let text = String(bytes: bytes, encoding: .utf8)
        else { throw PaymentsError.invalid("pageToken", "is not a token this service issued") }
        let parts = text.split(separator: ":")
        guard parts.count == 2, let micros = Int64(parts[0]), let id = UUID(uuidString: String(parts[1])) else {
            throw PaymentsError.invalid("pageToken", "is not a token this service issued")
        }
        return PaymentStore.Cursor(createdAt: Date(timeIntervalSince1970: Double(micros) / 1_000_000), id: id)
    }
}
