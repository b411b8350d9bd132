package dev.scenecache.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;

import dev.scenecache.testing.Root;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;

/**
 * The Kubernetes manifests, checked offline against the Kubernetes API types (fabric8's model, generated
 * from Kubernetes' OpenAPI schemas): every document must bind to its kind's type with no unknown field
 * anywhere and no value of the wrong type, and must say what a cluster needs (names, images, probes on
 * the health endpoints, selectors that select the pod template). Covers what quarkus-kubernetes generates
 * ({@code target/kubernetes/kubernetes.yml}, at package) and the examples in {@code deploy/}, and that
 * the example's copy of the generated manifest is current.
 */
class KubernetesManifestsIT {

    private static final Map<String, Class<? extends HasMetadata>> KINDS = Map.of(
            "apps/v1/Deployment", Deployment.class,
            "apps/v1/StatefulSet", StatefulSet.class,
            "v1/Service", Service.class,
            "v1/Pod", Pod.class,
            "v1/ConfigMap", ConfigMap.class,
            "v1/Secret", Secret.class,
            "policy/v1/PodDisruptionBudget", PodDisruptionBudget.class,
            "autoscaling/v2/HorizontalPodAutoscaler", HorizontalPodAutoscaler.class);
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);

    @Test
    void shouldGenerateADeploymentWithProbesResourcesConfigAndAPodDisruptionBudget() throws IOException {
        List<HasMetadata> resources = load(Path.of("target", "kubernetes", "kubernetes.yml"));
        Deployment deployment = only(resources, Deployment.class);
        assertThat(deployment.getSpec().getReplicas()).isGreaterThanOrEqualTo(2);
        PodSpec pod = deployment.getSpec().getTemplate().getSpec();
        assertThat(pod.getTerminationGracePeriodSeconds()).isEqualTo(30L);
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        Container container = pod.getContainers().get(0);
        assertThat(container.getStartupProbe().getHttpGet().getPath()).isEqualTo("/q/health/started");
        assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/q/health/ready");
        assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/q/health/live");
        assertThat(container.getResources().getLimits()).containsKey("memory");
        assertThat(container.getResources().getRequests()).containsKeys("cpu", "memory");
        assertThat(container.getEnvFrom().stream().filter(e -> e.getConfigMapRef() != null)
                .map(e -> e.getConfigMapRef().getName())).containsExactly("scenecache-config");
        assertThat(container.getEnvFrom().stream().filter(e -> e.getSecretRef() != null)
                .map(e -> e.getSecretRef().getName())).containsExactly("scenecache-secrets");
        assertThat(deployment.getSpec().getTemplate().getMetadata().getAnnotations())
                .containsEntry("prometheus.io/scrape", "true").containsEntry("prometheus.io/path", "/q/metrics");
        PodDisruptionBudget budget = only(resources, PodDisruptionBudget.class);
        selects("the budget", budget.getSpec().getSelector().getMatchLabels(), deployment);
        Service service = only(resources, Service.class);
        selects("the Service", service.getSpec().getSelector(), deployment);
    }

    /**
     * The autoscaler scales the Deployment on CPU between a minimum the budget keeps a replica of through a drain
     * and a higher maximum, scales down only after a stabilisation window; the replicas spread over nodes.
     */
    @Test
    void shouldGenerateAnAutoscalerConsistentWithTheBudgetAndSpreadTheReplicas() throws IOException {
        List<HasMetadata> resources = load(Path.of("target", "kubernetes", "kubernetes.yml"));
        Deployment deployment = only(resources, Deployment.class);
        HorizontalPodAutoscaler hpa = only(resources, HorizontalPodAutoscaler.class);
        assertThat(hpa.getSpec().getScaleTargetRef().getKind()).isEqualTo("Deployment");
        assertThat(hpa.getSpec().getScaleTargetRef().getApiVersion()).isEqualTo("apps/v1");
        assertThat(hpa.getSpec().getScaleTargetRef().getName()).isEqualTo(deployment.getMetadata().getName());
        int min = hpa.getSpec().getMinReplicas();
        assertThat(min).as("minimum replicas").isGreaterThanOrEqualTo(2);
        assertThat(hpa.getSpec().getMaxReplicas()).as("maximum replicas").isGreaterThan(min);
        assertThat(deployment.getSpec().getReplicas()).as("the Deployment's replicas within the autoscaler's range")
                .isBetween(min, hpa.getSpec().getMaxReplicas());
        assertThat(hpa.getSpec().getMetrics()).anySatisfy(m -> {
            assertThat(m.getType()).isEqualTo("Resource");
            assertThat(m.getResource().getName()).isEqualTo("cpu");
            assertThat(m.getResource().getTarget().getAverageUtilization()).isBetween(1, 100);
        });
        assertThat(hpa.getSpec().getBehavior().getScaleDown().getStabilizationWindowSeconds()).isPositive();
        // The budget lets a drain take at most min - 1 replicas: at least one keeps serving at the minimum.
        PodDisruptionBudget budget = only(resources, PodDisruptionBudget.class);
        if (budget.getSpec().getMaxUnavailable() != null) {
            assertThat(budget.getSpec().getMaxUnavailable().getIntVal()).as("maxUnavailable").isBetween(1, min - 1);
        } else {
            assertThat(budget.getSpec().getMinAvailable().getIntVal()).as("minAvailable").isBetween(1, min - 1);
        }
        List<TopologySpreadConstraint> spread = deployment.getSpec().getTemplate().getSpec().getTopologySpreadConstraints();
        assertThat(spread).extracting(TopologySpreadConstraint::getTopologyKey).contains("kubernetes.io/hostname");
        for (TopologySpreadConstraint constraint : spread) {
            selects("a spread constraint", constraint.getLabelSelector().getMatchLabels(), deployment);
        }
    }

    @Test
    void shouldKeepTheExampleCopyOfTheGeneratedManifestCurrent() throws IOException {
        // The same documents with the same content (the generator's order of labels varies); the example
        // runs the JVM image, whichever the build generated the manifest for.
        Path generated = Path.of("target", "kubernetes", "kubernetes.yml");
        Path jvm = Files.writeString(Path.of("target", "kubernetes", "kubernetes-jvm.yml"),
                Files.readString(generated).replace("/scenecache-native:", "/scenecache-jvm:"));
        assertThat(documents(Root.path("deploy/kubernetes/scenecache.yaml")))
                .as("deploy/kubernetes/scenecache.yaml is a copy of target/kubernetes/kubernetes.yml: copy it again")
                .isEqualTo(documents(jvm));
    }

    @Test
    void shouldShipExamplesThatAreValidKubernetesDocuments() throws IOException {
        List<Path> files = new ArrayList<>();
        for (String folder : List.of("deploy/kubernetes", "deploy/podman")) {
            try (Stream<Path> list = Files.list(Root.path(folder))) {
                list.filter(f -> f.toString().endsWith(".yaml") && !f.getFileName().toString().equals("kustomization.yaml"))
                        .forEach(files::add);
            }
        }
        assertThat(files).hasSizeGreaterThanOrEqualTo(4);
        for (Path file : files) {
            assertThat(load(file)).as(file.toString()).isNotEmpty();
        }
    }

    private static List<JsonNode> documents(Path file) throws IOException {
        try (YAMLParser parser = new YAMLFactory().createParser(file.toFile())) {
            return YAML.readValues(parser, JsonNode.class).readAll().stream()
                    .filter(d -> d != null && !d.isNull() && !d.isEmpty()).toList();
        }
    }

    /** Every document of the file, bound strictly to its kind's type and checked for what a cluster needs. */
    private static List<HasMetadata> load(Path file) throws IOException {
        List<HasMetadata> resources = new ArrayList<>();
        for (JsonNode document : documents(file)) {
            String kind = document.path("apiVersion").asText() + "/" + document.path("kind").asText();
            Class<? extends HasMetadata> type = KINDS.get(kind);
            assertThat(type).as("%s: a kind this check knows: %s", file, kind).isNotNull();
            HasMetadata resource = YAML.treeToValue(document, type);
            List<String> unknown = new ArrayList<>();
            unknownFields(resource, kind, unknown, new IdentityHashMap<>());
            assertThat(unknown).as("%s: fields that %s does not have", file, kind).isEmpty();
            assertThat(resource.getMetadata().getName()).as("%s: %s without a name", file, kind).isNotBlank();
            PodSpec pod = podSpec(resource);
            if (pod != null) {
                checkPod(file, resource, pod);
            }
            resources.add(resource);
        }
        return resources;
    }

    private static void checkPod(Path file, HasMetadata resource, PodSpec pod) {
        assertThat(pod.getContainers()).as("%s: containers", file).isNotEmpty();
        for (Container container : pod.getContainers()) {
            assertThat(container.getName()).as("%s: container name", file).isNotBlank();
            assertThat(container.getImage()).as("%s: image", file).isNotBlank();
            assertThat(container.getResources()).as("%s: %s has resources", file, container.getName()).isNotNull();
            assertThat(container.getResources().getLimits()).as("%s: %s memory limit", file, container.getName())
                    .containsKey("memory");
        }
        if (resource instanceof Deployment d) {
            selects(file + ": its selector", d.getSpec().getSelector().getMatchLabels(), d);
        }
        if (resource instanceof StatefulSet s) {
            assertThat(s.getSpec().getTemplate().getMetadata().getLabels()).as("%s: its selector selects the template", file)
                    .containsAllEntriesOf(s.getSpec().getSelector().getMatchLabels());
        }
    }

    private static void selects(String what, Map<String, String> selector, Deployment deployment) {
        assertThat(selector).as("%s selects something", what).isNotEmpty();
        assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels()).as("%s selects the pods", what)
                .containsAllEntriesOf(selector);
    }

    private static PodSpec podSpec(HasMetadata resource) {
        if (resource instanceof Deployment d) {
            return d.getSpec().getTemplate().getSpec();
        }
        if (resource instanceof StatefulSet s) {
            return s.getSpec().getTemplate().getSpec();
        }
        if (resource instanceof Pod p) {
            return p.getSpec();
        }
        return null;
    }

    private static <T> T only(List<HasMetadata> resources, Class<T> type) {
        List<T> found = resources.stream().filter(type::isInstance).map(type::cast).toList();
        assertThat(found).as(type.getSimpleName()).hasSize(1);
        return found.get(0);
    }

    /**
     * fabric8's types keep fields they do not know in {@code additionalProperties} instead of failing:
     * walks the whole object graph and reports every such field, with its path.
     */
    private static void unknownFields(Object value, String path, List<String> unknown, Map<Object, Boolean> seen) {
        if (value == null || seen.put(value, Boolean.TRUE) != null) {
            return;
        }
        if (value instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                unknownFields(item, path + "[" + i++ + "]", unknown, seen);
            }
            return;
        }
        if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> unknownFields(v, path + "." + k, unknown, seen));
            return;
        }
        if (!value.getClass().getName().startsWith("io.fabric8.")) {
            return;
        }
        for (Method getter : value.getClass().getMethods()) {
            if (getter.getParameterCount() != 0 || getter.getDeclaringClass() == Object.class
                    || !(getter.getName().startsWith("get") || getter.getName().startsWith("is"))) {
                continue;
            }
            Object child;
            try {
                child = getter.invoke(value);
            } catch (ReflectiveOperationException e) {
                continue;
            }
            if (getter.getName().equals("getAdditionalProperties") && child instanceof Map<?, ?> extra) {
                extra.keySet().forEach(k -> unknown.add(path + "." + k));
            } else if (child != null
                    && !Set.of(String.class, Integer.class, Long.class, Boolean.class).contains(child.getClass())
                    && !(child instanceof ObjectNode)) {
                unknownFields(child, path + "." + getter.getName().replaceFirst("^(get|is)", ""), unknown, seen);
            }
        }
    }
}
