package dev.scenecache.deploy;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.scenecache.testing.AiStub;
import dev.scenecache.testing.Http;
import dev.scenecache.testing.ServiceProcess;

/**
 * SIGTERM as Kubernetes sends it, under load, to the packaged service: readiness turns DOWN before the
 * listener closes, every request sent before the signal is answered 200 (slow ones in flight included),
 * and the process exits with 0 within the pod's termination grace period (30 s).
 */
class GracefulShutdownIT {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    /** The grace period of the Deployment ({@code terminationGracePeriodSeconds}). */
    private static final long GRACE_SECONDS = 30;

    /** One request: when it was sent (System.nanoTime()) and what came back (-1: no HTTP answer). */
    record Outcome(String what, long sentNanos, int status, String error) {
    }

    @Test
    void shouldFinishEveryAcceptedRequestAndTurnReadinessDownBeforeTheListenerCloses() throws Exception {
        // Decisions from the AI stub take 3 s: some are in flight when the signal comes.
        AiStub.server().stubFor(post(urlEqualTo("/v1/chat/completions")).willReturn(okJson(AiStub.completion("addScene",
                "{\"targetSceneId\": null, \"reasoning\": \"slow\"}")).withFixedDelay(3000)));
        try (ServiceProcess service = ServiceProcess.start("graceful-shutdown", Map.of(
                "SHUTDOWN_DELAY", "2s",
                "AI_PROVIDER", "openai",
                "AI_BASE_URL", "http://127.0.0.1:" + AiStub.server().port() + "/v1",
                "AI_API_KEY", "test-key-for-the-stub",
                "AI_TIMEOUT", "20s"))) {
            String project = create(service, "/projects", "{\"name\": \"Draining\", \"type\": \"marketing\"}");
            String scene = create(service, "/projects/" + project + "/scenes",
                    "{\"name\": \"Hot\", \"type\": \"intro\", \"tsxCode\": \"export default () => null;\"}");
            String scenePath = "/projects/" + project + "/scenes/" + scene;

            ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
            ConcurrentLinkedQueue<Outcome> readiness = new ConcurrentLinkedQueue<>();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong answered = new AtomicLong();
            ExecutorService pool = Executors.newFixedThreadPool(10);
            List<CompletableFuture<?>> loops = new ArrayList<>();
            // Action: 8 clients read and write the scene in closed loops; one polls readiness.
            for (int c = 0; c < 8; c++) {
                int client = c;
                loops.add(CompletableFuture.runAsync(() -> {
                    int i = 0;
                    while (!stop.get()) {
                        boolean write = (i++ + client) % 10 == 0;
                        HttpRequest request = write
                                ? HttpRequest.newBuilder(service.uri(scenePath)).timeout(Duration.ofSeconds(40))
                                        .header("Content-Type", "application/json")
                                        .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"name\": \"w" + i + "\"}"))
                                        .build()
                                : HttpRequest.newBuilder(service.uri(scenePath)).timeout(Duration.ofSeconds(40)).build();
                        Outcome outcome = send(write ? "PATCH" : "GET", request);
                        outcomes.add(outcome);
                        answered.incrementAndGet();
                        if (outcome.status() < 0) {
                            pause(20); // the listener is gone: do not spin
                        }
                    }
                }, pool));
            }
            loops.add(CompletableFuture.runAsync(() -> {
                while (!stop.get()) {
                    readiness.add(send("ready", HttpRequest.newBuilder(service.uri("/q/health/ready"))
                            .timeout(Duration.ofSeconds(10)).build()));
                    pause(25);
                }
            }, pool));
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> answered.get() >= 300);

            // Action: three slow decisions are started; once the stub holds them all, SIGTERM.
            int before = AiStub.server().getAllServeEvents().size();
            List<CompletableFuture<Outcome>> slow = new ArrayList<>();
            for (int d = 0; d < 3; d++) {
                HttpRequest decide = HttpRequest.newBuilder(service.uri("/projects/" + project + "/decisions"))
                        .timeout(Duration.ofSeconds(40)).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\": \"add a scene " + UUID.randomUUID() + "\"}"))
                        .build();
                slow.add(CompletableFuture.supplyAsync(() -> send("decision", decide)));
            }
            Awaitility.await().atMost(Duration.ofSeconds(30))
                    .until(() -> AiStub.server().findAll(com.github.tomakehurst.wiremock.client.WireMock
                            .postRequestedFor(urlEqualTo("/v1/chat/completions"))).size() >= before + 3);
            long signal = System.nanoTime();
            service.terminate(); // SIGTERM

            // Expected: the process exits with 0 within the grace period.
            assertThat(service.process().waitFor(GRACE_SECONDS, TimeUnit.SECONDS)).as("exited within the grace period")
                    .isTrue();
            stop.set(true);
            CompletableFuture.allOf(loops.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            pool.shutdown();
            assertThat(service.process().exitValue()).as("exit code; log:\n%s", service.log()).isZero();

            // Expected: the decisions in flight at the signal were answered.
            for (CompletableFuture<Outcome> decision : slow) {
                assertThat(decision.get(40, TimeUnit.SECONDS).status()).as("decision in flight at SIGTERM").isEqualTo(200);
            }
            // Expected: every request sent before the signal was answered 200; some were sent after it too.
            List<Outcome> beforeSignal = outcomes.stream().filter(o -> o.sentNanos() < signal).toList();
            assertThat(beforeSignal).hasSizeGreaterThanOrEqualTo(300);
            assertThat(beforeSignal).allSatisfy(o -> assertThat(o.status()).as("%s", o).isEqualTo(200));
            // Expected: after the signal readiness said DOWN (503) before the listener stopped answering.
            List<Outcome> afterSignal = readiness.stream().filter(o -> o.sentNanos() > signal).toList();
            int firstRefused = indexOf(afterSignal, -1);
            int firstDown = indexOf(afterSignal, 503);
            assertThat(firstDown).as("readiness after SIGTERM: %s", afterSignal).isGreaterThanOrEqualTo(0);
            assertThat(firstRefused < 0 || firstDown < firstRefused).as("DOWN before the listener closed: %s", afterSignal)
                    .isTrue();
            assertThat(afterSignal.subList(0, firstDown)).allSatisfy(o -> assertThat(o.status()).isEqualTo(200));
            // ...and it shut down in order and without an error: requests drained, then the subscription closed.
            String log = service.log();
            assertThat(log).doesNotContain("ERROR");
            assertThat(log.indexOf("All HTTP requests complete")).isPositive()
                    .isLessThan(log.indexOf("Cache invalidation subscription [") >= 0 ? log.lastIndexOf("] closed") : -1);
        }
    }

    private static int indexOf(List<Outcome> outcomes, int status) {
        for (int i = 0; i < outcomes.size(); i++) {
            if (outcomes.get(i).status() == status) {
                return i;
            }
        }
        return -1;
    }

    private static Outcome send(String what, HttpRequest request) {
        long sent = System.nanoTime();
        try {
            return new Outcome(what, sent, HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode(), null);
        } catch (IOException e) {
            return new Outcome(what, sent, -1, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(what, sent, -1, e.toString());
        }
    }

    private static String create(ServiceProcess service, String path, String json) throws Exception {
        return Http.id(Http.send(service.port(), "POST", path, json, 201));
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
