/**
 * Immutable, validated model of the Istio resources Meshwork applies. Produced by the config loader
 * (which owns every validation rule and error message), consumed by the xDS translator. Nothing here
 * parses or checks; records only copy collections so a model can be shared across threads.
 */
package dev.meshwork.controlplane.internal.model;
