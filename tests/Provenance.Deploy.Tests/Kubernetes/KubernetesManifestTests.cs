using System.Text;
using System.Text.Json.Nodes;
using Provenance.Messaging;
using static Provenance.Deploy.Tests.Kubernetes.RenderedKustomization;

namespace Provenance.Deploy.Tests.Kubernetes;

/// <summary>
/// deploy/k8s, rendered as an operator applies it (the base alone, and the base with the GPU worker), holds what
/// docs/operations.md promises: objects that match their schemas; containers that are probed, unprivileged and sized; a
/// GPU where one is asked for and nowhere else; pods that may reach PostgreSQL, RabbitMQ and DNS and nothing more; a
/// disruption budget over the API; every Secret key a pod or KEDA reads; KEDA scaling on the classify queue.
/// </summary>
public sealed class KubernetesManifestTests
{
    public static TheoryData<string> AllVariants => [.. Variants.Keys];

    [Theory]
    [MemberData(nameof(AllVariants))]
    public void Every_object_matches_the_schema_of_its_api_version_and_kind(string variant)
    {
        var rendered = Of(variant);

        Assert.NotEmpty(rendered.Objects);
        AssertNone(rendered.Problems);
    }

    [Theory]
    [MemberData(nameof(AllVariants))]
    public void Every_container_is_probed_for_liveness_and_readiness_on_a_port_it_declares(string variant)
    {
        var problems = new List<string>();

        foreach (var (pod, container) in Containers(Of(variant)))
        {
            foreach (var (probe, path) in new[] { ("livenessProbe", "/health/live"), ("readinessProbe", "/health/ready") })
            {
                var get = container[probe]?["httpGet"];
                if (get is null)
                {
                    problems.Add($"{Where(pod, container)}: no {probe} over HTTP");
                    continue;
                }
                if ((string?)get["path"] != path)
                {
                    problems.Add($"{Where(pod, container)}: {probe} asks for {get["path"]}, not {path}");
                }
                if (PortNumber(container, get["port"]) is null)
                {
                    problems.Add($"{Where(pod, container)}: {probe} uses port {get["port"]}, which the container does not declare");
                }
            }
        }

        AssertNone(problems);
    }

    [Theory]
    [MemberData(nameof(AllVariants))]
    public void The_api_is_probed_on_8080_and_each_worker_on_its_health_url_where_prometheus_scrapes_it(string variant)
    {
        var rendered = Of(variant);
        var api = Containers(rendered).Single(x => x.Pod.Workload == "provenance-api").Container;
        var workers = Containers(rendered).Where(x => x.Pod.Component == "worker").ToList();

        Assert.Equal(8080, PortNumber(api, api["livenessProbe"]!["httpGet"]!["port"]));
        Assert.Equal(8080, PortNumber(api, api["readinessProbe"]!["httpGet"]!["port"]));
        Assert.NotEmpty(workers);
        foreach (var (pod, worker) in workers)
        {
            var healthUrl = new Uri(Env(worker, "Worker__HealthUrl") ?? throw new InvalidOperationException($"{Where(pod, worker)}: no Worker__HealthUrl"));
            Assert.Equal(healthUrl.Port, PortNumber(worker, worker["livenessProbe"]!["httpGet"]!["port"]));
            Assert.Equal(healthUrl.Port, PortNumber(worker, worker["readinessProbe"]!["httpGet"]!["port"]));
            Assert.Equal("true", (string?)pod.Annotations?["prometheus.io/scrape"]);
            Assert.Equal(healthUrl.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), (string?)pod.Annotations?["prometheus.io/port"]);
            Assert.Equal("/metrics", (string?)pod.Annotations?["prometheus.io/path"]);
        }
    }

    [Fact]
    public void Without_the_gpu_add_on_no_container_asks_for_a_gpu_and_the_worker_scores_on_cpu()
    {
        var rendered = Of("cpu");

        Assert.DoesNotContain(Containers(rendered), x => Gpus(x.Container) != (null, null));
        Assert.Equal("cpu", Env(Containers(rendered).Single(x => x.Pod.Workload == "provenance-worker").Container, "Detector__ExecutionProvider"));
    }

    [Fact]
    public void The_gpu_worker_requests_one_gpu_tolerates_gpu_nodes_and_scores_with_cuda()
    {
        var rendered = Of("gpu");

        var withGpu = Containers(rendered).Where(x => Gpus(x.Container) != (null, null)).ToList();

        var (pod, container) = Assert.Single(withGpu);
        Assert.Equal("provenance-worker-gpu", pod.Workload);
        Assert.Equal(("1", "1"), Gpus(container));
        Assert.Equal("cuda", Env(container, "Detector__ExecutionProvider"));
        Assert.Contains(pod.Spec["tolerations"]?.AsArray() ?? [], t => (string?)t!["key"] == "nvidia.com/gpu");
    }

    [Theory]
    [MemberData(nameof(AllVariants))]
    public void Every_pod_may_open_connections_to_postgresql_rabbitmq_and_dns_and_nowhere_else(string variant)
    {
        var rendered = Of(variant);
        string[] allowed =
        [
            "namespaces{kubernetes.io/metadata.name=kube-system} pods{k8s-app=kube-dns} on UDP/53 TCP/53",
            "pods{app.kubernetes.io/name=postgresql} on TCP/5432",
            "pods{app.kubernetes.io/name=rabbitmq} on TCP/5672",
        ];

        var problems = new List<string>();

        foreach (var pod in Pods(rendered))
        {
            var policies = Selecting(rendered, pod, "Egress");
            if (policies.Count == 0)
            {
                problems.Add($"{pod.Workload}: no NetworkPolicy limits where it may connect");
            }
            problems.AddRange(Differences(pod, "egress", allowed, policies.SelectMany(p => Rules(p, "egress", "to"))));
        }

        AssertNone(problems);
    }

    [Theory]
    [MemberData(nameof(AllVariants))]
    public void Every_pod_accepts_connections_only_on_the_ports_its_containers_serve(string variant)
    {
        var rendered = Of(variant);

        var problems = new List<string>();

        foreach (var pod in Pods(rendered))
        {
            var policies = Selecting(rendered, pod, "Ingress");
            var served = ContainersOf(pod).SelectMany(c => c["ports"]?.AsArray() ?? [])
                .Select(p => $"anyone on {(string?)p!["protocol"] ?? "TCP"}/{(int)p["containerPort"]!}");
            if (policies.Count == 0)
            {
                problems.Add($"{pod.Workload}: no NetworkPolicy limits who may connect to it");
            }
            problems.AddRange(Differences(pod, "ingress", served, policies.SelectMany(p => Rules(p, "ingress", "from"))));
        }

        AssertNone(problems);
    }

    [Theory]
    [MemberData(nameof(AllVariants))]
    public void Every_network_policy_selects_a_pod(string variant)
    {
        var rendered = Of(variant);

        var idle = rendered.OfKind("NetworkPolicy")
            .Where(policy => !Pods(rendered).Any(pod => Matches(policy["spec"]!["podSelector"], pod.Labels)))
            .Select(Name);

        AssertNone(idle);
    }

    [Theory]
    [MemberData(nameof(AllVariants))]
    public void The_disruption_budget_keeps_an_api_pod_up_and_covers_no_other_pod(string variant)
    {
        var rendered = Of(variant);
        var budget = Assert.Single(rendered.OfKind("PodDisruptionBudget"));
        var api = rendered.Single("Deployment", "provenance-api");

        var covered = Pods(rendered).Where(pod => Matches(budget["spec"]!["selector"], pod.Labels)).Select(pod => pod.Workload);

        Assert.Equal(["provenance-api"], covered);
        var minAvailable = (int)budget["spec"]!["minAvailable"]!;
        Assert.InRange(minAvailable, 1, (int)api["spec"]!["replicas"]! - 1);
    }

    [Theory]
    [MemberData(nameof(AllVariants))]
    public void Every_secret_key_a_pod_or_keda_reads_is_rendered(string variant)
    {
        var rendered = Of(variant);
        var secrets = rendered.OfKind("Secret").ToDictionary(Name, SecretKeys);
        var reads = new List<(string Reader, string Secret, string? Key)>();
        foreach (var (pod, container) in Containers(rendered))
        {
            foreach (var env in container["env"]?.AsArray() ?? [])
            {
                if (env!["valueFrom"]?["secretKeyRef"] is { } reference)
                {
                    reads.Add((Where(pod, container), (string)reference["name"]!, (string)reference["key"]!));
                }
            }
            foreach (var from in container["envFrom"]?.AsArray() ?? [])
            {
                if (from!["secretRef"] is { } reference)
                {
                    reads.Add((Where(pod, container), (string)reference["name"]!, null));
                }
            }
        }
        foreach (var pod in Pods(rendered))
        {
            foreach (var volume in pod.Spec["volumes"]?.AsArray() ?? [])
            {
                if (volume!["secret"] is { } reference)
                {
                    reads.Add((pod.Workload, (string)reference["secretName"]!, null));
                }
            }
        }
        foreach (var authentication in rendered.OfKind("TriggerAuthentication"))
        {
            foreach (var reference in authentication["spec"]!["secretTargetRef"]?.AsArray() ?? [])
            {
                reads.Add(($"TriggerAuthentication {Name(authentication)}", (string)reference!["name"]!, (string)reference["key"]!));
            }
        }

        var missing = reads
            .Where(r => !secrets.TryGetValue(r.Secret, out var keys) || (r.Key is not null && !keys.Contains(r.Key)))
            .Select(r => $"{r.Reader} reads {r.Secret}{(r.Key is null ? "" : $" key {r.Key}")}, which is not rendered");

        Assert.NotEmpty(reads);
        AssertNone(missing);
    }

    [Fact]
    public void The_committed_secret_holds_placeholders_and_nothing_real()
    {
        var secrets = Of("cpu").OfKind("Secret").ToList();

        var values = secrets.SelectMany(s => (s["data"]?.AsObject() ?? []).Select(kv =>
            (Key: $"{Name(s)} {kv.Key}", Value: Encoding.UTF8.GetString(Convert.FromBase64String((string)kv.Value!)))));

        Assert.NotEmpty(secrets);
        AssertNone(values.Where(v => !v.Value.Contains("REPLACE-ME", StringComparison.Ordinal)).Select(v => $"{v.Key} is not a placeholder"));
    }

    [Theory]
    [MemberData(nameof(AllVariants))]
    public void No_container_runs_as_root_or_can_gain_privileges(string variant)
    {
        var problems = new List<string>();

        foreach (var (pod, container) in Containers(Of(variant)))
        {
            JsonNode? Setting(string name) => container["securityContext"]?[name] ?? pod.Spec["securityContext"]?[name];
            var where = Where(pod, container);
            if (Setting("runAsNonRoot")?.GetValue<bool>() != true)
            {
                problems.Add($"{where}: runAsNonRoot is not true");
            }
            // The kubelet can only check runAsNonRoot against a numeric user: the .NET images name theirs (app).
            if (Setting("runAsUser")?.GetValue<long>() is not > 0)
            {
                problems.Add($"{where}: runAsUser is not a non-zero user id");
            }
            if (container["securityContext"]?["allowPrivilegeEscalation"]?.GetValue<bool>() != false)
            {
                problems.Add($"{where}: allowPrivilegeEscalation is not false");
            }
            if (container["securityContext"]?["privileged"]?.GetValue<bool>() == true)
            {
                problems.Add($"{where}: privileged");
            }
            if (!(container["securityContext"]?["capabilities"]?["drop"]?.AsArray() ?? []).Any(c => (string?)c == "ALL"))
            {
                problems.Add($"{where}: keeps its capabilities (drop ALL)");
            }
        }

        AssertNone(problems);
    }

    [Theory]
    [MemberData(nameof(AllVariants))]
    public void Every_container_requests_cpu_and_memory_and_has_a_memory_limit(string variant)
    {
        var problems = new List<string>();

        foreach (var (pod, container) in Containers(Of(variant)))
        {
            var resources = container["resources"];
            foreach (var (kind, resource) in new[] { ("requests", "cpu"), ("requests", "memory"), ("limits", "memory") })
            {
                if (resources?[kind]?[resource] is null)
                {
                    problems.Add($"{Where(pod, container)}: no {resource} in {kind}");
                }
            }
        }

        AssertNone(problems);
    }

    [Fact]
    public void Keda_scales_the_cpu_worker_on_the_classify_queue_it_consumes_with_the_broker_address_the_worker_uses()
    {
        var rendered = Of("cpu");
        var scaled = Assert.Single(rendered.OfKind("ScaledObject"));
        var target = scaled["spec"]!["scaleTargetRef"]!;
        var deployment = rendered.Single("Deployment", (string)target["name"]!);
        var worker = Assert.Single(ContainersOf(PodOf(deployment)));
        var trigger = Assert.Single(scaled["spec"]!["triggers"]!.AsArray())!;
        var authentication = rendered.Single("TriggerAuthentication", (string)trigger["authenticationRef"]!["name"]!);
        var host = authentication["spec"]!["secretTargetRef"]!.AsArray().Single(p => (string?)p!["parameter"] == "host")!;
        var broker = worker["env"]!.AsArray().Single(e => (string?)e!["name"] == "ConnectionStrings__Broker")!["valueFrom"]!["secretKeyRef"]!;

        Assert.Equal("Deployment", (string?)target["kind"] ?? "Deployment");
        Assert.Equal("provenance-worker", Name(deployment));
        Assert.Null(deployment["spec"]!["replicas"]);
        Assert.Equal("rabbitmq", (string?)trigger["type"]);
        Assert.Equal(Env(worker, "Detection__Queue") ?? BusConfiguration.ClassifyDocumentsQueue, (string?)trigger["metadata"]!["queueName"]);
        Assert.Equal("QueueLength", (string?)trigger["metadata"]!["mode"]);
        Assert.Equal(((string?)broker["name"], (string?)broker["key"]), ((string?)host["name"], (string?)host["key"]));
    }

    sealed record Pod(string Workload, string? Component, JsonObject Labels, JsonObject? Annotations, JsonObject Spec);

    static Pod PodOf(JsonObject deployment)
    {
        var template = deployment["spec"]!["template"]!;
        var labels = template["metadata"]!["labels"]!.AsObject();
        return new Pod(Name(deployment), (string?)labels["app.kubernetes.io/component"], labels,
            template["metadata"]!["annotations"]?.AsObject(), template["spec"]!.AsObject());
    }

    static IEnumerable<Pod> Pods(RenderedKustomization rendered) =>
        rendered.OfKind("Deployment").Concat(rendered.OfKind("StatefulSet")).Concat(rendered.OfKind("DaemonSet")).Select(PodOf);

    static IEnumerable<JsonObject> ContainersOf(Pod pod) =>
        (pod.Spec["initContainers"]?.AsArray() ?? []).Concat(pod.Spec["containers"]!.AsArray()).Select(c => c!.AsObject());

    static IEnumerable<(Pod Pod, JsonObject Container)> Containers(RenderedKustomization rendered) =>
        Pods(rendered).SelectMany(pod => ContainersOf(pod).Select(container => (pod, container)));

    static string Where(Pod pod, JsonObject container) => $"{pod.Workload}/{container["name"]}";

    static string? Env(JsonObject container, string name) =>
        (string?)(container["env"]?.AsArray() ?? []).SingleOrDefault(e => (string?)e!["name"] == name)?["value"];

    static (string? Requests, string? Limits) Gpus(JsonObject container) =>
        ((string?)container["resources"]?["requests"]?["nvidia.com/gpu"], (string?)container["resources"]?["limits"]?["nvidia.com/gpu"]);

    /// <summary>The number of a port a probe names, by number or by name, if the container declares it.</summary>
    static int? PortNumber(JsonObject container, JsonNode? port)
    {
        var declared = (container["ports"]?.AsArray() ?? []).Select(p => p!);
        var match = port?.GetValueKind() == System.Text.Json.JsonValueKind.Number
            ? declared.FirstOrDefault(p => (int)p["containerPort"]! == (int)port)
            : declared.FirstOrDefault(p => (string?)p["name"] == (string?)port);
        return match is null ? null : (int)match["containerPort"]!;
    }

    static HashSet<string> SecretKeys(JsonObject secret) =>
        [.. (secret["data"]?.AsObject() ?? []).Select(kv => kv.Key), .. (secret["stringData"]?.AsObject() ?? []).Select(kv => kv.Key)];

    /// <summary>A label selector (matchLabels only: the manifests use nothing else) that these labels satisfy.</summary>
    static bool Matches(JsonNode? selector, JsonObject labels)
    {
        if (selector?["matchExpressions"] is not null)
        {
            throw new InvalidOperationException("matchExpressions are not evaluated by these tests; use matchLabels, or teach Matches them.");
        }
        return (selector?["matchLabels"]?.AsObject() ?? []).All(kv => (string?)labels[kv.Key] == (string?)kv.Value);
    }

    /// <summary>The NetworkPolicies of the same namespace that govern this pod's traffic in one direction.</summary>
    static List<JsonObject> Selecting(RenderedKustomization rendered, Pod pod, string policyType) =>
        [.. rendered.OfKind("NetworkPolicy")
            .Where(p => (p["spec"]!["policyTypes"]?.AsArray() ?? []).Any(t => (string?)t == policyType))
            .Where(p => Matches(p["spec"]!["podSelector"], pod.Labels))];

    /// <summary>
    /// Each peer a policy's rules let through, with the ports, as text: the exact selectors, so a label added to a peer
    /// (as kustomize's commonLabels does) shows as a peer that matches nothing.
    /// </summary>
    static IEnumerable<string> Rules(JsonObject policy, string direction, string peers)
    {
        foreach (var rule in policy["spec"]![direction]?.AsArray() ?? [])
        {
            var ports = rule!["ports"]?.AsArray() is { Count: > 0 } list
                ? string.Join(' ', list.Select(p => $"{(string?)p!["protocol"] ?? "TCP"}/{p["port"]}"))
                : "any port";
            if (rule[peers]?.AsArray() is not { Count: > 0 } from)
            {
                yield return $"anyone on {ports}";
                continue;
            }
            foreach (var peer in from)
            {
                var parts = new List<string>();
                if (peer!["ipBlock"] is { } block)
                {
                    parts.Add($"ip{{{block["cidr"]}}}");
                }
                if (peer["namespaceSelector"] is { } namespaces)
                {
                    parts.Add($"namespaces{{{Labels(namespaces)}}}");
                }
                if (peer["podSelector"] is { } pods)
                {
                    parts.Add($"pods{{{Labels(pods)}}}");
                }
                yield return $"{string.Join(' ', parts)} on {ports}";
            }
        }
    }

    static IEnumerable<string> Differences(Pod pod, string direction, IEnumerable<string> expected, IEnumerable<string> actual)
    {
        var want = expected.ToHashSet(StringComparer.Ordinal);
        var got = actual.ToHashSet(StringComparer.Ordinal);
        return got.Except(want).Order(StringComparer.Ordinal).Select(x => $"{pod.Workload}: {direction} allows {x}, which it should not")
            .Concat(want.Except(got).Order(StringComparer.Ordinal).Select(x => $"{pod.Workload}: {direction} does not allow {x}"));
    }

    static string Labels(JsonNode selector) =>
        string.Join(',', (selector["matchLabels"]?.AsObject() ?? []).Select(kv => $"{kv.Key}={kv.Value}").Order(StringComparer.Ordinal))
        + (selector["matchExpressions"] is null ? "" : " and expressions");

    /// <summary>Fails listing every problem in full (a collection assertion would cut the list short).</summary>
    static void AssertNone(IEnumerable<string> problems)
    {
        var list = problems.ToList();
        Assert.True(list.Count == 0, $"{list.Count} problem(s):\n{string.Join('\n', list)}");
    }
}
