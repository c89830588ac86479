import Testing

@testable import RefkitService

@Suite(.timeLimit(.minutes(1)))
struct MetricsRegistryTests {
    @Test func rendersTheTextExpositionFormat() {
        let registry = MetricsRegistry()
        let stages = registry.counter("refkit_stages_total", help: "Stages finished, by result.", labels: ["result"])
        stages.increment(labels: ["result": "failed"])
        stages.increment(by: 2, labels: ["result": "done"])
        let depth = registry.gauge("refkit_queue_depth", help: "Stages waiting to run.")
        depth.set(7)
        depth.decrement()
        let lag = registry.gauge("a_lag_seconds", help: "Line one\nback\\slash", labels: ["watch"])
        lag.set(1.5, labels: ["watch": "say \"hi\"\\\n"])
        let duration = registry.histogram(
            "refkit_provider_request_duration_seconds", help: "Request time.", labels: ["provider"], buckets: [2.5, 0.5, 1])
        duration.observe(0.25, labels: ["provider": "gemini"])
        duration.observe(0.5, labels: ["provider": "gemini"])
        duration.observe(3, labels: ["provider": "gemini"])
        duration.observe(.milliseconds(1500), labels: ["provider": "fal"])

        let expected = """
            # HELP a_lag_seconds Line one\\nback\\\\slash
            # TYPE a_lag_seconds gauge
            a_lag_seconds{watch="say \\"hi\\"\\\\\\n"} 1.5
            # HELP refkit_provider_request_duration_seconds Request time.
            # TYPE refkit_provider_request_duration_seconds histogram
            refkit_provider_request_duration_seconds_bucket{provider="fal",le="0.5"} 0
            refkit_provider_request_duration_seconds_bucket{provider="fal",le="1"} 0
            refkit_provider_request_duration_seconds_bucket{provider="fal",le="2.5"} 1
            refkit_provider_request_duration_seconds_bucket{provider="fal",le="+Inf"} 1
            refkit_provider_request_duration_seconds_sum{provider="fal"} 1.5
            refkit_provider_request_duration_seconds_count{provider="fal"} 1
            refkit_provider_request_duration_seconds_bucket{provider="gemini",le="0.5"} 2
            refkit_provider_request_duration_seconds_bucket{provider="gemini",le="1"} 2
            refkit_provider_request_duration_seconds_bucket{provider="gemini",le="2.5"} 2
            refkit_provider_request_duration_seconds_bucket{provider="gemini",le="+Inf"} 3
            refkit_provider_request_duration_seconds_sum{provider="gemini"} 3.75
            refkit_provider_request_duration_seconds_count{provider="gemini"} 3
            # HELP refkit_queue_depth Stages waiting to run.
            # TYPE refkit_queue_depth gauge
            refkit_queue_depth 6
            # HELP refkit_stages_total Stages finished, by result.
            # TYPE refkit_stages_total counter
            refkit_stages_total{result="done"} 2
            refkit_stages_total{result="failed"} 1

            """
        #expect(registry.render() == expected)
        // Stable: the same state renders the same text.
        #expect(registry.render() == expected)
    }

    @Test func emptyAndUnlabelledFamilies() {
        let registry = MetricsRegistry()
        #expect(registry.render() == "")
        _ = registry.counter("x_total", help: "X.")
        _ = registry.counter("y_total", help: "Y.", labels: ["kind"])
        #expect(registry.render() == "# HELP x_total X.\n# TYPE x_total counter\nx_total 0\n# HELP y_total Y.\n# TYPE y_total counter\n")
    }

    @Test func registeringTwiceGivesTheSameFamily() {
        let registry = MetricsRegistry()
        let first = registry.counter("refkit_retries_total", help: "Retries.", labels: ["provider"])
        let second = registry.counter("refkit_retries_total", help: "Retries.", labels: ["provider"])
        #expect(first === second)
        first.increment(labels: ["provider": "fal"])
        #expect(second.value(labels: ["provider": "fal"]) == 1)
    }

    @Test func countersNeverGoDown() {
        let registry = MetricsRegistry()
        let counter = registry.counter("refkit_spend_usd_total", help: "Spend.", labels: ["watch"])
        counter.increment(by: 0.039, labels: ["watch": "manual"])
        counter.increment(by: -5, labels: ["watch": "manual"])
        counter.increment(by: .nan, labels: ["watch": "manual"])
        #expect(counter.value(labels: ["watch": "manual"]) == 0.039)
        #expect(registry.render().contains("refkit_spend_usd_total{watch=\"manual\"} 0.039\n"))
    }

    @Test func numbersRenderAsPrometheusReadsThem() {
        #expect(PrometheusText.number(3) == "3")
        #expect(PrometheusText.number(-2) == "-2")
        #expect(PrometheusText.number(0.25) == "0.25")
        #expect(PrometheusText.number(.infinity) == "+Inf")
        #expect(PrometheusText.number(-.infinity) == "-Inf")
        #expect(PrometheusText.number(.nan) == "NaN")
        #expect(PrometheusText.number(1e20) == "1e+20")
    }

    @Test func namesAreChecked() {
        #expect(PrometheusText.isValidMetricName("refkit_kits"))
        #expect(PrometheusText.isValidMetricName("a:b_c"))
        #expect(!PrometheusText.isValidMetricName("9lives"))
        #expect(!PrometheusText.isValidMetricName("refkit-kits"))
        #expect(!PrometheusText.isValidMetricName(""))
        #expect(PrometheusText.isValidLabelName("provider"))
        #expect(!PrometheusText.isValidLabelName("le"))
        #expect(!PrometheusText.isValidLabelName("__name__"))
        #expect(!PrometheusText.isValidLabelName("a:b"))
    }

    @Test func concurrentUpdatesAreAllCounted() async {
        let registry = MetricsRegistry()
        let counter = registry.counter("refkit_intake_total", help: "Intake.", labels: ["outcome"])
        let histogram = registry.histogram("d_seconds", help: "D.", buckets: [1])
        await withTaskGroup(of: Void.self) { group in
            for task in 0..<8 {
                group.addTask {
                    for _ in 0..<1000 {
                        counter.increment(labels: ["outcome": task % 2 == 0 ? "accepted" : "rejected"])
                        histogram.observe(0.5)
                    }
                }
            }
        }
        #expect(counter.value(labels: ["outcome": "accepted"]) == 4000)
        #expect(counter.value(labels: ["outcome": "rejected"]) == 4000)
        #expect(histogram.count() == 8000)
    }

    @Test func refkitMetricsDeclareEveryFamily() {
        let metrics = RefkitMetrics()
        metrics.declare(provider: "gemini")
        metrics.declare(watch: "manual")
        metrics.setKits(["complete": 4, "failed": 1])
        metrics.stages.increment(labels: ["result": "done"])
        metrics.spend.increment(by: 0.078, labels: ["watch": "manual"])
        metrics.providerRequestDuration.observe(.seconds(12), labels: ["provider": "gemini"])
        metrics.queueDepth.set(3)
        metrics.declareQA(checks: ["health", "identity"], verdicts: ["pass", "fail"])
        metrics.qaChecks.increment(labels: ["check": "identity", "verdict": "fail"])
        metrics.qaRegenerations.increment(labels: ["stage": "front"])
        let text = metrics.registry.render()
        for name in [
            "refkit_kits", "refkit_stages_total", "refkit_provider_request_duration_seconds", "refkit_retries_total",
            "refkit_rate_limited_total", "refkit_spend_usd_total", "refkit_queue_depth", "refkit_inbox_lag_seconds", "refkit_intake_total",
            "refkit_provider_paused_seconds", "refkit_qa_checks_total", "refkit_qa_regenerations_total",
        ] {
            #expect(text.contains("# HELP \(name) "), "\(name) has HELP")
            #expect(text.contains("# TYPE \(name) "), "\(name) has TYPE")
        }
        #expect(text.contains("refkit_kits{state=\"complete\"} 4\n"))
        #expect(text.contains("refkit_qa_checks_total{check=\"identity\",verdict=\"fail\"} 1\n"))
        #expect(text.contains("refkit_qa_checks_total{check=\"health\",verdict=\"pass\"} 0\n"))
        #expect(text.contains("refkit_qa_regenerations_total{stage=\"front\"} 1\n"))
        #expect(text.contains("refkit_kits{state=\"awaiting_selection\"} 0\n"))
        #expect(text.contains("refkit_stages_total{result=\"done\"} 1\n"))
        #expect(text.contains("refkit_stages_total{result=\"skipped\"} 0\n"))
        #expect(text.contains("refkit_retries_total{provider=\"gemini\"} 0\n"))
        #expect(text.contains("refkit_rate_limited_total{provider=\"gemini\"} 0\n"))
        #expect(text.contains("refkit_provider_paused_seconds{provider=\"gemini\"} 0\n"))
        #expect(text.contains("refkit_spend_usd_total{watch=\"manual\"} 0.078\n"))
        #expect(text.contains("refkit_inbox_lag_seconds{watch=\"manual\"} 0\n"))
        #expect(text.contains("refkit_intake_total{outcome=\"duplicate\"} 0\n"))
        #expect(text.contains("refkit_provider_request_duration_seconds_bucket{provider=\"gemini\",le=\"10\"} 0\n"))
        #expect(text.contains("refkit_provider_request_duration_seconds_bucket{provider=\"gemini\",le=\"20\"} 1\n"))
        #expect(text.contains("refkit_queue_depth 3\n"))
        // A state that empties reads 0 again.
        metrics.setKits([:])
        #expect(metrics.registry.render().contains("refkit_kits{state=\"complete\"} 0\n"))
    }
}
