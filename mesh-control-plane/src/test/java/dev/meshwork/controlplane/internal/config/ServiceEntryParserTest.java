package dev.meshwork.controlplane.internal.config;

import static dev.meshwork.controlplane.internal.config.TestConfigs.assertError;
import static dev.meshwork.controlplane.internal.config.TestConfigs.assertOk;
import static dev.meshwork.controlplane.internal.config.TestConfigs.load;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.meshwork.controlplane.internal.model.Endpoint;
import dev.meshwork.controlplane.internal.model.Locality;
import dev.meshwork.controlplane.internal.model.MeshConfig;
import dev.meshwork.controlplane.internal.model.ServiceEntry;
import dev.meshwork.controlplane.internal.model.WorkloadEntry;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServiceEntryParserTest {
  private static LoadResult se(String spec) {
    return load("se.yaml", """
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: payments, namespace: shop}
        spec:
        """ + spec.indent(2));
  }

  @Test
  void staticEndpoints_expandPerHost_withPortMapping() {
    ServiceEntry se = assertOk(se("""
        hosts: [payments, payments.example.com]
        addresses: [10.96.0.10, 10.0.0.0/8]
        location: MESH_INTERNAL
        resolution: STATIC
        ports:
        - {number: 80, name: http, protocol: http}
        - {number: 9090, name: grpc, protocol: GRPC, targetPort: 19090}
        - {number: 8443, name: admin, protocol: HTTPS}
        endpoints:
        - address: 10.1.2.3
          ports: {http: 8080}
          labels: {version: v1}
          locality: eu-west1/eu-west1-b
          weight: 3
          network: net1
          serviceAccount: payments
        - address: "2001:db8::1"
        """)).serviceEntries().get(0);
    assertEquals(List.of("payments", "payments.example.com"), se.hosts());
    assertEquals(List.of(new ServiceEntry.Port(80, "http", "HTTP", 0), new ServiceEntry.Port(9090, "grpc", "GRPC", 19090),
        new ServiceEntry.Port(8443, "admin", "HTTPS", 0)), se.ports());
    String origin = "se.yaml doc 0 ServiceEntry shop/payments";
    assertEquals(List.of(
        new Endpoint("payments", "10.1.2.3", Map.of(80, 8080, 9090, 19090, 8443, 8443), Map.of("version", "v1"),
            new Locality("eu-west1", "eu-west1-b", ""), 3, origin, "shop", "payments"),
        new Endpoint("payments.example.com", "10.1.2.3", Map.of(80, 8080, 9090, 19090, 8443, 8443), Map.of("version", "v1"),
            new Locality("eu-west1", "eu-west1-b", ""), 3, origin, "shop", "payments"),
        new Endpoint("payments", "2001:db8::1", Map.of(80, 80, 9090, 19090, 8443, 8443), Map.of(), Locality.NONE, 1, origin,
            "shop", ""),
        new Endpoint("payments.example.com", "2001:db8::1", Map.of(80, 80, 9090, 19090, 8443, 8443), Map.of(),
            Locality.NONE, 1, origin, "shop", "")),
        se.endpoints());
    assertEquals(Map.of(), se.workloadSelector());
  }

  @Test
  void workloadSelector_selectsWorkloadEntriesOfTheSameNamespaceByLabelSuperset() {
    MeshConfig c = assertOk(load("se.yaml", """
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: vms, namespace: shop}
        spec:
          hosts: [vm-app]
          resolution: STATIC
          ports: [{number: 80, name: http, protocol: HTTP}]
          workloadSelector: {labels: {app: vm-app}}
        """, "we.yaml", """
        apiVersion: networking.istio.io/v1
        kind: WorkloadEntry
        metadata: {name: vm-1, namespace: shop}
        spec: {address: 192.168.0.1, ports: {http: 8080}, labels: {app: vm-app, version: v1}, weight: 2}
        ---
        apiVersion: networking.istio.io/v1
        kind: WorkloadEntry
        metadata: {name: vm-2, namespace: other}
        spec: {address: 192.168.0.2, labels: {app: vm-app}}
        ---
        apiVersion: networking.istio.io/v1
        kind: WorkloadEntry
        metadata: {name: vm-3, namespace: shop}
        spec: {address: 192.168.0.3, labels: {app: something-else}}
        """));
    ServiceEntry se = c.serviceEntries().get(0);
    assertEquals(Map.of("app", "vm-app"), se.workloadSelector());
    assertEquals(List.of(new Endpoint("vm-app", "192.168.0.1", Map.of(80, 8080), Map.of("app", "vm-app", "version", "v1"),
        Locality.NONE, 2, "we.yaml doc 0 WorkloadEntry shop/vm-1", "shop", "")), se.endpoints());
    assertEquals(3, c.workloadEntries().size());
    WorkloadEntry we = c.workloadEntries().get(0);
    assertEquals(new WorkloadEntry(we.source(), "192.168.0.1", Map.of("http", 8080), Map.of("app", "vm-app", "version", "v1"),
        Locality.NONE, 2), we);
  }

  @Test
  void noResolution_meansNone_whichDeclaresPortsButTakesNoEndpoints() {
    ServiceEntry se = assertOk(se("""
        hosts: [payments]
        ports: [{number: 80, name: http, protocol: HTTP}]
        """)).serviceEntries().get(0);
    assertEquals(List.of(), se.endpoints());
    assertError(se("""
        hosts: [payments]
        ports: [{number: 80, name: http, protocol: HTTP}]
        endpoints: [{address: 10.0.0.1}]
        """), "se.yaml doc 0 ServiceEntry shop/payments: spec.resolution: resolution NONE (the default) takes no endpoints");
  }

  @Test
  void dnsResolution_isUnsupportedBecauseProxylessClientsNeedIps() {
    assertError(se("""
        hosts: [api.example.com]
        resolution: DNS
        ports: [{number: 443, name: https, protocol: HTTPS}]
        """), "spec.resolution: not supported by Meshwork yet: resolution DNS (proxyless clients need IP endpoints");
  }

  @Test
  void invalidFields_areReported() {
    LoadResult r = se("""
        hosts: ["*.example.com", "payments"]
        addresses: [10.0.0.300, 10.0.0.0/33]
        resolution: STATIC
        subjectAltNames: [spiffe://x]
        location: INSIDE
        ports:
        - {number: 70000, name: http, protocol: HTTP}
        - {number: 81, name: http, protocol: SMTP}
        - {number: 82, name: Web, protocol: HTTP}
        - {name: nonum}
        endpoints:
        - {address: db.example.com, ports: {grpc: 9090, http: 0}}
        - {address: "1.2.3.4", labels: {"-bad": x}}
        workloadSelector: {labels: {app: a}}
        """);
    String prefix = "se.yaml doc 0 ServiceEntry shop/payments: ";
    assertError(r, prefix + "spec.hosts[0]: wildcard hosts are not supported");
    assertError(r, "spec.addresses[0]: \"10.0.0.300\" is not an IP address or CIDR block");
    assertError(r, "spec.addresses[1]: \"10.0.0.0/33\" is not an IP address or CIDR block");
    assertError(r, "spec.subjectAltNames: not supported by Meshwork yet");
    assertError(r, "spec.location: \"INSIDE\" is not one of MESH_INTERNAL, MESH_EXTERNAL");
    assertError(r, "spec.ports[0].number: 70000 (expected: 1..65535)");
    assertError(r, "spec.ports[1].name: duplicate port name http");
    assertError(r, "spec.ports[1].protocol: \"SMTP\" is not a protocol");
    assertError(r, "spec.ports[2].name: \"Web\" is not a valid port name");
    assertError(r, "spec.ports[3].number: is required");
    assertError(r, "spec.endpoints[0].address: \"db.example.com\" is not an IP address");
    assertError(r, "spec.endpoints[0].ports.grpc: port grpc is not declared in spec.ports");
    assertError(r, "spec.endpoints[0].ports.http: 0 (expected: 1..65535)");
    assertError(r, "spec.endpoints[1].labels.-bad: label key \"-bad\" is invalid");
    assertError(r, "spec.workloadSelector: only one of workloadSelector or endpoints is allowed");
  }

  @Test
  void multipleHosts_needHttpOrTlsPorts_asInIstio() {
    assertError(se("""
        hosts: [a, b]
        resolution: STATIC
        ports: [{number: 5432, name: pg, protocol: TCP}]
        """), "spec.hosts: multiple hosts need HTTP or TLS ports");
  }

  @Test
  void workloadEntry_needsAnIpAddress() {
    LoadResult r = load("we.yaml", """
        apiVersion: networking.istio.io/v1beta1
        kind: WorkloadEntry
        metadata: {name: vm}
        spec: {address: "unix:///var/run/app.sock", ports: {http: 80}, weight: -1, extra: 1}
        """);
    assertError(r, "we.yaml doc 0 WorkloadEntry default/vm: spec.address: \"unix:///var/run/app.sock\" is not an IP address");
    assertError(r, "spec.weight: -1 (expected: 0..2147483647)");
    assertError(r, "spec.extra: unknown field (known: address, ports, labels, locality, weight, network, serviceAccount)");
    assertError(load("we.yaml", """
        apiVersion: networking.istio.io/v1beta1
        kind: WorkloadEntry
        metadata: {name: vm}
        spec: {labels: {app: a}}
        """), "spec.address: is required");
  }
}
