import Prometheus
import Testing

@testable import RefkitService

/// swift-prometheus's text, read back and written the way refkit always wrote it.
@Suite struct PrometheusSampleTests {
    @Test func readsLabelsValuesAndFamilies() throws {
        let text = #"""
            # TYPE a_seconds histogram
            a_seconds_bucket{provider="fal",le="1.0"} 0
            a_seconds_bucket{provider="fal",le="+Inf"} 1
            a_seconds_sum{provider="fal"} 12.0
            # TYPE b gauge
            b{watch="say \"hi\"\\\n",x="y"} 4.0
            b 1e+20

            """#
        let samples = PrometheusSample.parse(Array(text.utf8))
        #expect(samples.map(\.family) == ["a_seconds", "a_seconds", "a_seconds", "b", "b"])
        #expect(samples.map(\.name) == ["a_seconds_bucket", "a_seconds_bucket", "a_seconds_sum", "b", "b"])
        #expect(samples[3].labels == [.init(name: "watch", value: "say \"hi\"\\\n"), .init(name: "x", value: "y")])
        #expect(samples[0].seriesValues == ["fal"])
        #expect(
            samples.map(\.line) == [
                #"a_seconds_bucket{provider="fal",le="1"} 0"# + "\n",
                #"a_seconds_bucket{provider="fal",le="+Inf"} 1"# + "\n",
                #"a_seconds_sum{provider="fal"} 12"# + "\n",
                #"b{watch="say \"hi\"\\\n",x="y"} 4"# + "\n",
                "b 1e+20\n",
            ])
    }

    @Test func ordersSeriesAndKeepsEachSeriesLines() {
        let text = #"""
            # TYPE h histogram
            h_bucket{p="b",le="1.0"} 1
            h_count{p="b"} 1
            h_bucket{p="a",le="1.0"} 2
            h_count{p="a"} 2

            """#
        let ordered = PrometheusSample.inSeriesOrder(PrometheusSample.parse(Array(text.utf8)))
        #expect(
            ordered.map(\.line) == [
                #"h_bucket{p="a",le="1"} 2"# + "\n", #"h_count{p="a"} 2"# + "\n",
                #"h_bucket{p="b",le="1"} 1"# + "\n", #"h_count{p="b"} 1"# + "\n",
            ])
    }

    @Test func swiftPrometheusWritesWholeNumbersWithAFraction() {
        // Why refkit rewrites the numbers: the textfile and /metrics have always said `4`.
        let metrics = RefkitMetrics()
        metrics.queueDepth.set(4)
        var bytes: [UInt8] = []
        metrics.registry.prometheus.emit(into: &bytes)
        #expect(String(decoding: bytes, as: UTF8.self).contains("refkit_queue_depth 4.0\n"))
        #expect(metrics.registry.render().contains("refkit_queue_depth 4\n"))
    }
}
