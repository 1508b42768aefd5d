package dev.meshwork.core.internal.model.parse;

import com.google.protobuf.Any;
import com.google.protobuf.Duration;
import com.google.protobuf.Message;
import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.cluster.v3.CircuitBreakers;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.cluster.v3.LoadBalancingPolicy;
import io.envoyproxy.envoy.config.cluster.v3.OutlierDetection;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.HealthStatus;
import io.envoyproxy.envoy.config.core.v3.Locality;
import io.envoyproxy.envoy.config.core.v3.RoutingPriority;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.core.v3.TypedExtensionConfig;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.Endpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.config.listener.v3.ApiListener;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RetryPolicy;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds;
import io.envoyproxy.envoy.extensions.load_balancing_policies.least_request.v3.LeastRequest;
import io.envoyproxy.envoy.extensions.load_balancing_policies.round_robin.v3.RoundRobin;
import io.envoyproxy.envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate;
import io.envoyproxy.envoy.type.v3.Percent;

/**
 * xDS resources shaped like our control plane's translators emit them (ListenerTranslator,
 * RouteTranslator, RetryPolicies, ClusterTranslator, LoadBalancingPolicies, OutlierDetections,
 * EndpointTranslator), built by hand so tests do not depend on the control plane module.
 */
final class XdsFixtures {
  static final String CLUSTER = "outbound|80||reviews";
  static final long UNLIMITED = 0xFFFF_FFFFL;

  private XdsFixtures() {}

  static ConfigSource ads() {
    return ConfigSource.newBuilder().setAds(AggregatedConfigSource.getDefaultInstance())
        .setResourceApiVersion(ApiVersion.V3).build();
  }

  static Duration seconds(long s) {
    return Duration.newBuilder().setSeconds(s).build();
  }

  static Duration millis(long ms) {
    return Duration.newBuilder().setSeconds(ms / 1000).setNanos((int) (ms % 1000) * 1_000_000).build();
  }

  static UInt32Value u32(long v) {
    return UInt32Value.of((int) v);
  }

  static HttpFilter filter(String name, Message config) {
    return HttpFilter.newBuilder().setName(name).setTypedConfig(Any.pack(config)).build();
  }

  static HttpFilter router() {
    return filter("envoy.filters.http.router", Router.getDefaultInstance());
  }

  static Listener listener(String name, HttpConnectionManager hcm) {
    return Listener.newBuilder().setName(name)
        .setApiListener(ApiListener.newBuilder().setApiListener(Any.pack(hcm))).build();
  }

  /** ListenerTranslator.listener(name, withFault). */
  static Listener controlPlaneListener(String name, boolean withFault) {
    HttpConnectionManager.Builder hcm = HttpConnectionManager.newBuilder().setStatPrefix(name)
        .setRds(Rds.newBuilder().setConfigSource(ads()).setRouteConfigName(name));
    if (withFault) {
      hcm.addHttpFilters(filter("envoy.filters.http.fault", HTTPFault.getDefaultInstance()));
    }
    return listener(name, hcm.addHttpFilters(router()).build());
  }

  /** RetryPolicies.convert(null, false): Istio's default policy. */
  static RetryPolicy defaultRetry() {
    return RetryPolicy.newBuilder().setNumRetries(u32(2))
        .setRetryOn("connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes")
        .setHostSelectionRetryMaxAttempts(5)
        .addRetryHostPredicate(RetryPolicy.RetryHostPredicate.newBuilder()
            .setName("envoy.retry_host_predicates.previous_hosts")
            .setTypedConfig(Any.pack(PreviousHostsPredicate.getDefaultInstance())))
        .build();
  }

  /** RouteTranslator's default route: prefix "/", whole service, timeout 0s, default retries. */
  static Route defaultRoute() {
    return Route.newBuilder().setName("default").setMatch(RouteMatch.newBuilder().setPrefix("/"))
        .setRoute(RouteAction.newBuilder().setCluster(CLUSTER).setTimeout(seconds(0)).setRetryPolicy(defaultRetry()))
        .build();
  }

  static RouteConfiguration routeConfig(String name, Route... routes) {
    VirtualHost.Builder vh = VirtualHost.newBuilder().setName("reviews").addDomains("*");
    for (Route r : routes) {
      vh.addRoutes(r);
    }
    return RouteConfiguration.newBuilder().setName(name).addVirtualHosts(vh).build();
  }

  static LoadBalancingPolicy.Policy policy(String name, Message config) {
    return LoadBalancingPolicy.Policy.newBuilder().setTypedExtensionConfig(
        TypedExtensionConfig.newBuilder().setName(name).setTypedConfig(Any.pack(config))).build();
  }

  /** ClusterTranslator.cluster with Istio's default LB (least request, then round robin) and outlier detection. */
  static Cluster.Builder controlPlaneCluster() {
    return Cluster.newBuilder().setName(CLUSTER).setType(Cluster.DiscoveryType.EDS)
        .setEdsClusterConfig(Cluster.EdsClusterConfig.newBuilder().setEdsConfig(ads()).setServiceName(CLUSTER))
        .setConnectTimeout(seconds(10))
        .setCircuitBreakers(CircuitBreakers.newBuilder().addThresholds(CircuitBreakers.Thresholds.newBuilder()
            .setPriority(RoutingPriority.DEFAULT).setMaxConnections(u32(UNLIMITED)).setMaxPendingRequests(u32(UNLIMITED))
            .setMaxRequests(u32(UNLIMITED)).setMaxRetries(u32(UNLIMITED)).setTrackRemaining(true)))
        .setLbPolicy(Cluster.LbPolicy.LEAST_REQUEST)
        .setLoadBalancingPolicy(LoadBalancingPolicy.newBuilder()
            .addPolicies(policy("envoy.load_balancing_policies.least_request", LeastRequest.getDefaultInstance()))
            .addPolicies(policy("envoy.load_balancing_policies.round_robin", RoundRobin.getDefaultInstance())))
        .setOutlierDetection(OutlierDetection.newBuilder().setConsecutive5Xx(u32(7)).setEnforcingConsecutive5Xx(u32(100))
            .setInterval(seconds(10)).setBaseEjectionTime(seconds(30)).setMaxEjectionPercent(u32(10))
            .setEnforcingSuccessRate(u32(0)).setFailurePercentageThreshold(u32(99))
            .setEnforcingFailurePercentage(u32(100)).setFailurePercentageMinimumHosts(u32(1))
            .setFailurePercentageRequestVolume(u32(7)))
        .setCommonLbConfig(Cluster.CommonLbConfig.newBuilder().setHealthyPanicThreshold(Percent.newBuilder().setValue(0)));
  }

  static LbEndpoint lbEndpoint(String ip, int port, int weight) {
    return LbEndpoint.newBuilder()
        .setEndpoint(Endpoint.newBuilder().setAddress(Address.newBuilder()
            .setSocketAddress(SocketAddress.newBuilder().setAddress(ip).setPortValue(port))))
        .setHealthStatus(HealthStatus.HEALTHY).setLoadBalancingWeight(u32(weight)).build();
  }

  static LocalityLbEndpoints locality(String region, String zone, String subZone, int priority, LbEndpoint... endpoints) {
    LocalityLbEndpoints.Builder b = LocalityLbEndpoints.newBuilder()
        .setLocality(Locality.newBuilder().setRegion(region).setZone(zone).setSubZone(subZone))
        .setPriority(priority).setLoadBalancingWeight(u32(endpoints.length));
    for (LbEndpoint e : endpoints) {
      b.addLbEndpoints(e);
    }
    return b.build();
  }

  static ClusterLoadAssignment assignment(LocalityLbEndpoints... localities) {
    ClusterLoadAssignment.Builder b = ClusterLoadAssignment.newBuilder().setClusterName(CLUSTER);
    for (LocalityLbEndpoints l : localities) {
      b.addEndpoints(l);
    }
    return b.build();
  }
}
