/**
 * Lua health checks added to argocd-cm so that the root Application's sync
 * waves wait for each layer to be healthy, not merely created.
 */

/** ArgoCD 1.8 dropped the Application health check; this is the one its docs give to restore it. */
export const APPLICATION_HEALTH = `hs = {}
hs.status = "Progressing"
hs.message = ""
if obj.status ~= nil then
  if obj.status.health ~= nil then
    hs.status = obj.status.health.status
    if obj.status.health.message ~= nil then
      hs.message = obj.status.health.message
    end
  end
end
return hs
`;

/**
 * An ApplicationSet is healthy only when every Application it generated is
 * (status.resources[].health), degraded when one is, so wave N+1 starts after
 * layer N is really up.
 */
export const APPLICATION_SET_HEALTH = `hs = {}
hs.status = "Progressing"
hs.message = "waiting for generated Applications"
if obj.status == nil then
  return hs
end
if obj.status.conditions ~= nil then
  for _, condition in ipairs(obj.status.conditions) do
    if condition.type == "ErrorOccurred" and condition.status == "True" then
      hs.status = "Degraded"
      hs.message = condition.message
      return hs
    end
  end
end
if obj.status.resources == nil then
  return hs
end
local total = 0
local healthy = 0
for _, resource in ipairs(obj.status.resources) do
  total = total + 1
  if resource.health ~= nil then
    if resource.health.status == "Healthy" then
      healthy = healthy + 1
    elseif resource.health.status == "Degraded" then
      hs.status = "Degraded"
      hs.message = resource.name .. " is degraded"
      return hs
    end
  end
end
hs.message = healthy .. "/" .. total .. " Applications healthy"
if total > 0 and healthy == total then
  hs.status = "Healthy"
end
return hs
`;
