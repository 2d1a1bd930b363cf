import BoxOfficeProtobuf
import Foundation

extension ProtobufTimestamp {
    /// The instant `date`, to the microsecond (what Postgres keeps).
    init(date: Date) {
        let micros = Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
        let seconds = micros >= 0 ? micros / 1_000_000 : (micros - 999_999) / 1_000_000
        self.init(seconds: seconds, nanos: Int32((micros - seconds * 1_000_000) * 1_000))
    }

    /// The instant as a `Date`.
    var date: Date {
        Date(timeIntervalSince1970: Double(self.seconds) + Double(self.nanos) / 1_000_000_000)
    }
}
