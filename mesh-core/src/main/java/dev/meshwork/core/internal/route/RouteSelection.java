package dev.meshwork.core.internal.route;

import dev.meshwork.core.internal.model.RouteModel;

/**
 * What the {@link Router} chose for a request: the route (its action carries timeout, retries,
 * hash policies and mirrors) and the one cluster to send to. Instances are built with the router
 * and shared between requests; immutable.
 *
 * @param cluster the chosen cluster (for weighted clusters, the one the request's random picked)
 * @param fault the fault to apply, null for none: the route's override, else the listener's own
 *     config, and only when the listener's chain has the fault filter
 * @param rateLimit the token bucket to apply, null for none; same resolution as {@code fault}
 */
public record RouteSelection(RouteModel.VirtualHost virtualHost, RouteModel.Route route, String cluster,
    RouteModel.Fault fault, RouteModel.RateLimit rateLimit) {}
