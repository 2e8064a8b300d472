import ServiceLifecycle

/// Runs `services` (an executor's connection pools) for the rest of a test, until the returned task
/// is cancelled, which the test does in a `defer`. The product runs them in a `ServiceGroup` or
/// `whileRunning`; tests that hold a database across many steps use this instead.
func runningInBackground(_ services: [any Service]) -> Task<Void, Never> {
    Task {
        await withDiscardingTaskGroup { group in
            for service in services { group.addTask { try? await service.run() } }
        }
    }
}
