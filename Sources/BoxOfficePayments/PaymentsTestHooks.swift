import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Test-only fault hooks, each armed by an environment variable read once, at the first use
/// (``arm()`` at process start). Unset in production, where each hook costs one load of a
/// constant.
///
/// - `BOXOFFICE_TEST_CRASH_AFTER_PROVIDER_CALL=1`: the process exits with status 137 (as if
///   killed) right after the provider answered a mutating call and before that answer is
///   committed, so tests can prove the reconciler recovers the pending attempt on restart with
///   exactly one charge.
public enum PaymentsTestHooks {
    /// The environment variable of the crash hook.
    public static let crashAfterProviderCallVariable = "BOXOFFICE_TEST_CRASH_AFTER_PROVIDER_CALL"
    /// The exit status of the crash hook: what a shell reports for a process killed by SIGKILL.
    public static let crashExitStatus: Int32 = 137

    private static let crashAfterProviderCall: Bool =
        ProcessInfo.processInfo.environment[crashAfterProviderCallVariable] == "1"

    /// Reads the environment now (at process start), so a later change of it has no effect.
    /// Returns whether any hook is armed.
    @discardableResult
    public static func arm() -> Bool {
        Self.crashAfterProviderCall
    }

    /// Called by PaymentService right after a provider call answered, before its outcome is
    /// recorded.
    static func afterProviderCall() {
        if Self.crashAfterProviderCall {
            // Immediate, like SIGKILL: no flushing, no graceful shutdown, no commit.
            _exit(Self.crashExitStatus)
        }
    }
}
