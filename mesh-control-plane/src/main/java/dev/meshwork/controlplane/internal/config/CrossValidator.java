package dev.meshwork.controlplane.internal.config;

import dev.meshwork.controlplane.internal.config.Parsed.DestinationRef;
import dev.meshwork.controlplane.internal.config.Parsed.ServiceEntryDoc;
import dev.meshwork.controlplane.internal.config.Parsed.VirtualServiceDoc;
import dev.meshwork.controlplane.internal.model.Destination;
import dev.meshwork.controlplane.internal.model.DestinationRule;
import dev.meshwork.controlplane.internal.model.Endpoint;
import dev.meshwork.controlplane.internal.model.ServiceEntry;
import dev.meshwork.controlplane.internal.model.Source;
import dev.meshwork.controlplane.internal.model.Subset;
import dev.meshwork.controlplane.internal.model.WorkloadEntry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Rules that span resources: at most one VirtualService, DestinationRule and ServiceEntry per host;
 * every routed subset is defined by the host's DestinationRule; a routed port is declared by the
 * host's ServiceEntry (when it has one). Also resolves ServiceEntry workloadSelectors against the
 * WorkloadEntries of the same namespace, so that the translator only reads
 * {@link ServiceEntry#endpoints()}. Runs on whatever parsed, so its errors add to the per-document ones.
 */
final class CrossValidator {
  private CrossValidator() {}

  /** Validates and returns the ServiceEntries with selected WorkloadEntries expanded into endpoints. */
  static List<ServiceEntry> validate(Parsed.Resources r, List<ConfigError> errors) {
    Map<String, VirtualServiceDoc> vsByHost = new LinkedHashMap<>();
    for (VirtualServiceDoc vs : r.virtualServices) {
      for (Map.Entry<String, String> h : vs.hostPaths().entrySet()) {
        VirtualServiceDoc first = vsByHost.putIfAbsent(h.getKey(), vs);
        if (first != null) {
          errors.add(ConfigError.at(vs.model().source(), h.getValue(), "host " + h.getKey() + " is already routed by "
              + describe(first.model().source()) + " (at most one VirtualService per host)"));
        }
      }
    }
    Map<String, DestinationRule> drByHost = new LinkedHashMap<>();
    for (DestinationRule dr : r.destinationRules) {
      DestinationRule first = drByHost.putIfAbsent(dr.host(), dr);
      if (first != null) {
        errors.add(ConfigError.at(dr.source(), "spec.host", "host " + dr.host() + " already has "
            + describe(first.source()) + " (at most one DestinationRule per host)"));
      }
    }
    Map<String, ServiceEntryDoc> seByHost = new LinkedHashMap<>();
    for (ServiceEntryDoc se : r.serviceEntries) {
      for (Map.Entry<String, String> h : se.hostPaths().entrySet()) {
        ServiceEntryDoc first = seByHost.putIfAbsent(h.getKey(), se);
        if (first != null) {
          errors.add(ConfigError.at(se.model().source(), h.getValue(), "host " + h.getKey() + " is already declared by "
              + describe(first.model().source()) + " (at most one ServiceEntry per host)"));
        }
      }
    }
    for (VirtualServiceDoc vs : r.virtualServices) {
      for (DestinationRef ref : vs.destinations()) {
        checkSubset(vs.model().source(), ref, drByHost, errors);
        checkPort(vs.model().source(), ref, seByHost, errors);
      }
    }
    List<ServiceEntry> resolved = new ArrayList<>();
    for (ServiceEntryDoc se : r.serviceEntries) {
      resolved.add(withSelectedWorkloads(se.model(), r.workloadEntries));
    }
    return resolved;
  }

  private static void checkSubset(Source vs, DestinationRef ref, Map<String, DestinationRule> drByHost, List<ConfigError> errors) {
    Destination d = ref.destination();
    if (d.subset() == null) {
      return;
    }
    DestinationRule dr = drByHost.get(d.host());
    if (dr == null) {
      errors.add(ConfigError.at(vs, ref.path() + ".subset",
          "subset " + d.subset() + " of host " + d.host() + " is not defined by any DestinationRule"));
    } else if (dr.subsets().stream().noneMatch(s -> s.name().equals(d.subset()))) {
      String defined = dr.subsets().stream().map(Subset::name).collect(Collectors.joining(", "));
      errors.add(ConfigError.at(vs, ref.path() + ".subset", "subset " + d.subset() + " of host " + d.host()
          + " is not defined by " + describe(dr.source()) + " (defined: " + (defined.isEmpty() ? "none" : defined) + ")"));
    }
  }

  private static void checkPort(Source vs, DestinationRef ref, Map<String, ServiceEntryDoc> seByHost, List<ConfigError> errors) {
    Destination d = ref.destination();
    ServiceEntryDoc se = seByHost.get(d.host());
    if (d.port() == 0 || se == null || se.model().ports().stream().anyMatch(p -> p.number() == d.port())) {
      return;
    }
    String declared = se.model().ports().stream().map(p -> String.valueOf(p.number())).collect(Collectors.joining(", "));
    errors.add(ConfigError.at(vs, ref.path() + ".port.number", "port " + d.port() + " of host " + d.host()
        + " is not declared by " + describe(se.model().source()) + " (declared: " + (declared.isEmpty() ? "none" : declared) + ")"));
  }

  /** Adds an endpoint per host for each WorkloadEntry of the namespace whose labels include the selector. */
  private static ServiceEntry withSelectedWorkloads(ServiceEntry se, List<WorkloadEntry> workloads) {
    if (se.workloadSelector().isEmpty()) {
      return se;
    }
    List<Endpoint> endpoints = new ArrayList<>(se.endpoints());
    for (WorkloadEntry w : workloads) {
      boolean selected = w.source().namespace().equals(se.source().namespace())
          && w.labels().entrySet().containsAll(se.workloadSelector().entrySet());
      if (selected) {
        for (String host : se.hosts()) {
          endpoints.add(ServiceEntryParser.endpoint(host, se.ports(), w, w.source().describe()));
        }
      }
    }
    return new ServiceEntry(se.source(), se.hosts(), se.ports(), endpoints, se.workloadSelector());
  }

  /** "VirtualService default/reviews (reviews.yaml doc 0)" */
  static String describe(Source s) {
    return s.kind() + " " + s.namespace() + "/" + s.name() + " (" + s.file() + " doc " + s.document() + ")";
  }
}
