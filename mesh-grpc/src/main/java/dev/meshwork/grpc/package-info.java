/** gRPC on the mesh: {@link dev.meshwork.grpc.MeshChannels} builds channels routed by the control plane. */
package dev.meshwork.grpc;
