/**
 * Meshwork's transport-free runtime: who this process is ({@link dev.meshwork.core.MeshSettings}),
 * the xDS bootstrap generated in process ({@link dev.meshwork.core.XdsBootstrap}) and registration
 * with the control plane ({@link dev.meshwork.core.MeshRegistration}).
 */
package dev.meshwork.core;
