package dev.scenecache.monitoring;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import dev.scenecache.cache.coherence.Coherence;
import dev.scenecache.testing.Api;
import dev.scenecache.testing.CacheReady;
import dev.scenecache.testing.TestServers;
import dev.scenecache.testing.Tools;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/** The dashboard in real headless Chromium: it shows what the admin API reports, and follows traffic. */
@QuarkusTest
@QuarkusTestResource(TestServers.class)
class DashboardTest {

    private static final String TOKEN = "test-admin-token";

    @Inject
    Coherence coherence;

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    @Test
    void shouldShowTheHitRateTheApiReportsAndFollowTraffic() throws Exception {
        Path chromium = Tools.require("/usr/bin/chromium", "chromium");
        Path chromedriver = Tools.require("/usr/bin/chromedriver", "chromium-driver");
        CacheReady.await(coherence);

        // Known traffic: one miss and three hits of the scene cache, nothing else since the reset.
        String project = Api.createProject("Dashboard");
        String scene = Api.createScene(project, "Watched");
        admin().delete("/admin/cache/scene").then().statusCode(204);
        admin().post("/admin/cache/stats/reset").then().statusCode(204);
        for (int i = 0; i < 4; i++) {
            given().get("/projects/{p}/scenes/{s}", project, scene).then().statusCode(200);
        }
        JsonPath stats = stats();
        assertThat(stats.getDouble("totals.hitRate")).isEqualTo(75.0);

        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(chromedriver.toFile()).usingAnyFreePort().build();
        Path profile = Files.createTempDirectory("chromium-profile");
        ChromeOptions options = new ChromeOptions().setBinary(chromium.toFile()).addArguments("--headless=new",
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--window-size=1400,1300",
                "--user-data-dir=" + profile);
        // The console: a Content-Security-Policy violation is reported there.
        options.setCapability("goog:loggingPrefs", java.util.Map.of("browser", "ALL"));
        ChromeDriver browser = new ChromeDriver(service, options);
        try {
            browser.get("http://127.0.0.1:" + port + "/dashboard");
            assertThat(browser.getTitle()).contains("scenecache");

            // A wrong token is refused and said so.
            browser.findElement(By.id("token")).sendKeys("not-the-token");
            browser.findElement(By.id("connect")).click();
            awaitText(browser, "status", "token refused (401)");

            // The right one: the page shows the hit rate, health and circuit the API reports.
            browser.findElement(By.id("token")).clear();
            browser.findElement(By.id("token")).sendKeys(TOKEN);
            browser.findElement(By.id("connect")).click();
            awaitText(browser, "total-hit-rate", String.format(Locale.ROOT, "%.1f%%", stats.getDouble("totals.hitRate")));
            awaitText(browser, "lookups", "4");
            Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(
                    () -> assertThat(text(browser, "health")).isEqualToIgnoringCase(stats().getString("health")));
            assertThat(text(browser, "circuit")).isEqualToIgnoringCase("closed");
            assertThat(text(browser, "ready")).isEqualToIgnoringCase("UP");
            assertThat(browser.findElement(By.cssSelector("#cache-table tr[data-cache='scene']")).getText())
                    .contains("75.0%");

            // The analytics table: the scene cache's misses and TTL as GET /admin/cache/analytics reports them.
            JsonPath analytics = admin().get("/admin/cache/analytics").then().statusCode(200).extract().jsonPath();
            Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                    browser.findElement(By.cssSelector("#analytics-table tr[data-cache='scene']")).getText())
                    .contains("(" + analytics.getString("caches.scene.ttl.reason") + ")")
                    .contains(analytics.getString("caches.scene.hotKeys[0].key").substring(0, 12)));

            // Traffic: six more hits. The page follows: new totals, and a point of the scene line in the chart.
            for (int i = 0; i < 6; i++) {
                given().get("/projects/{p}/scenes/{s}", project, scene).then().statusCode(200);
            }
            JsonPath after = stats();
            awaitText(browser, "lookups", "10");
            awaitText(browser, "total-hit-rate", String.format(Locale.ROOT, "%.1f%%", after.getDouble("totals.hitRate")));
            Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> !browser.findElements(By.cssSelector("#chart path[data-cache='scene']")).isEmpty());

            // Under its strict Content-Security-Policy the page did all of the above, and the browser
            // reported no violation (nor any other error) on its console.
            List<String> console = browser.manage().logs().get(org.openqa.selenium.logging.LogType.BROWSER).getAll()
                    .stream().map(e -> e.getLevel() + " " + e.getMessage()).toList();
            assertThat(console).noneMatch(line -> line.contains("Content Security Policy")
                    || line.contains("Refused to") || line.startsWith("SEVERE") && !line.contains("401"));

            Path shot = browser.getScreenshotAs(OutputType.FILE).toPath();
            Files.createDirectories(Path.of("target"));
            Files.copy(shot, Path.of("target/dashboard.png"), StandardCopyOption.REPLACE_EXISTING);
        } finally {
            browser.quit();
            service.stop();
        }
    }

    @Test
    void shouldServeTheDashboardUnderAStrictContentSecurityPolicy() {
        var page = given().get("/dashboard").then().statusCode(200).extract();
        String csp = page.header("Content-Security-Policy");
        assertThat(csp).contains("default-src 'none'").contains("frame-ancestors 'none'").contains("base-uri 'none'")
                .contains("form-action 'none'").contains("connect-src 'self'").doesNotContain("unsafe-inline")
                .doesNotContain("unsafe-eval").containsPattern("script-src 'sha256-[A-Za-z0-9+/=]{44}'")
                .containsPattern("style-src 'sha256-[A-Za-z0-9+/=]{44}'");
        assertThat(page.header("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(page.header("Referrer-Policy")).isEqualTo("no-referrer");
        assertThat(page.header("X-Frame-Options")).isEqualTo("DENY");
        // Nothing the policy would block: no style attribute, no inline handler, no external source.
        assertThat(page.body().asString()).doesNotContain("style=\"").doesNotContainPattern(" on[a-z]+=")
                .doesNotContain("src=\"http");
    }

    private static io.restassured.specification.RequestSpecification admin() {
        return given().header("Authorization", "Bearer " + TOKEN);
    }

    private static JsonPath stats() {
        return admin().get("/admin/cache/stats").then().statusCode(200).extract().jsonPath();
    }

    private static String text(ChromeDriver browser, String id) {
        return browser.findElement(By.id(id)).getText();
    }

    private static void awaitText(ChromeDriver browser, String id, String expected) {
        Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> assertThat(text(browser, id)).isEqualTo(expected));
    }
}
