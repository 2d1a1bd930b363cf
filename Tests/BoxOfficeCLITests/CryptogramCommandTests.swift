import BoxOfficeCloudPaymentsSandbox
import Foundation
import TestSupport
import Testing

/// `boxoffice sandbox cryptogram` as a developer runs it: the built executable.
@Suite("boxoffice sandbox cryptogram")
struct CryptogramCommandTests {
    @Test(
        "prints the packet SandboxCryptogram builds",
        arguments: [("4242424242424242", "12/30", "123"), ("2200000000000004", "01/27", "0000")]
    )
    func packet(card: String, exp: String, cvv: String) throws {
        let printed = try ChildProcess.run([
            TokenCommandTests.executable, "sandbox", "cryptogram", "--card", card, "--exp", exp, "--cvv", cvv,
        ])
        #expect(printed == SandboxCryptogram(cardNumber: card, expiry: exp, cvv: cvv).packet + "\n")
        #expect(printed.hasPrefix("SBX1:"))
    }

    @Test(
        "a bad --exp is refused with the option and the expected form named",
        arguments: ["1230", "13/30", "1/30", "12/2030", ""]
    )
    func badExpiry(exp: String) throws {
        let failure = try #require(throws: ChildProcess.Failure.self) {
            try ChildProcess.run([
                TokenCommandTests.executable, "sandbox", "cryptogram", "--card", "4242424242424242", "--exp", exp,
                "--cvv", "123",
            ])
        }
        #expect(failure.output.contains("--exp must be MM/YY with a month 01 to 12"), "\(failure.output)")
        #expect(failure.standardOutput.isEmpty, "no packet printed")
    }
}
