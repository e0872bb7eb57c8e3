import type { sendUnaryData, ServerUnaryCall } from '@grpc/grpc-js';
import type { ClusterInfo } from '@eventstore/db-client/generated/gossip_pb';
import { gossipPb, sharedPb } from '../protocol/generated';

/** A single-node "cluster": one member, always the alive leader, so discovery picks it. */
export const gossipHandler =
  (instanceId: string, host: () => { address: string; port: number }) =>
  (_call: ServerUnaryCall<unknown, ClusterInfo>, callback: sendUnaryData<ClusterInfo>): void => {
    const member = new gossipPb.MemberInfo();
    const id = new sharedPb.UUID();
    id.setString(instanceId);
    member.setInstanceId(id);
    member.setTimeStamp(`${Date.now()}0000`);
    member.setState(gossipPb.MemberInfo.VNodeState.LEADER);
    member.setIsAlive(true);
    const endpoint = new gossipPb.EndPoint();
    const { address, port } = host();
    endpoint.setAddress(address);
    endpoint.setPort(port);
    member.setHttpEndPoint(endpoint);
    const info = new gossipPb.ClusterInfo();
    info.setMembersList([member]);
    callback(null, info);
  };
