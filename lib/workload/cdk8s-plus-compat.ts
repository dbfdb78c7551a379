/**
 * Every place where lib/workload relies on how cdk8s-plus-27 works inside, beyond its documented
 * API: cdk8s-plus-27 addresses a workload's pods by a label holding a hash of its construct path
 * (`cdk8s.io/metadata.addr`), which our pods do not carry (names and selectors stay readable);
 * these functions make what cdk8s-plus selects for us use the workload's own labels instead.
 * `test/workload/cdk8s-plus-compat.test.ts` fails when a cdk8s-plus upgrade changes what they
 * rely on:
 *
 * - `selectPodsByOwnLabels`: `toPodSelectorConfig()`, an instance method, replaced on the workload.
 * - `removeAddressLabel`: the address label on the pod template, removed with a JSON patch.
 * - `selectStatefulSetPodsByOwnLabels`: the headless Service's selector, replaced with a JSON patch.
 */
import * as kplus from 'cdk8s-plus-27';
import { ApiObject, JsonPatch } from 'cdk8s';

/** The label through which cdk8s-plus-27 addresses a workload's pods (`Pod.ADDRESS_LABEL`). */
export const ADDRESS_LABEL = kplus.Pod.ADDRESS_LABEL;

/**
 * Makes cdk8s-plus select the workload's pods by `labels` in `namespace` wherever it selects
 * them (a Service's `select()`, `exposeViaService`, scheduling, connections), or such a Service
 * reaches nothing once the address label is gone.
 *
 * Relies on: cdk8s-plus-27 asks a workload for its pods only through `toPodSelectorConfig()`,
 * a method looked up on the instance (AbstractPod's returns the address label), and
 * `Service.select()` takes the selector's `matchLabels` from it.
 */
export function selectPodsByOwnLabels(workload: kplus.Workload, labels: Readonly<Record<string, string>>, namespace: string): void {
  const ownPods = { ...labels };
  workload.toPodSelectorConfig = () => ({
    labelSelector: kplus.LabelSelector.of({ labels: ownPods }),
    namespaces: { names: [namespace] },
  });
}

/**
 * Removes the address label from the pod template whose spec is at `podSpecPath` (for example
 * `/spec/template/spec`).
 *
 * Relies on: cdk8s-plus-27 labels every workload's pod template with the address label, even
 * when the workload is created with `select: false`, at `<template>/metadata/labels`.
 */
export function removeAddressLabel(api: ApiObject, podSpecPath: string): void {
  const template = podSpecPath.replace(/\/spec$/, '');
  api.addJsonPatch(JsonPatch.remove(`${template}/metadata/labels/${ADDRESS_LABEL.replace('/', '~1')}`));
}

/**
 * Makes the headless Service given to a StatefulSet select its pods by `labels`.
 *
 * Relies on: cdk8s-plus-27's StatefulSet constructor calls `service.select(this)` before the
 * workload can be given `selectPodsByOwnLabels`, so the Service's `spec.selector` is exactly
 * `{ cdk8s.io/metadata.addr: <hash> }`; it is replaced whole.
 */
export function selectStatefulSetPodsByOwnLabels(service: kplus.Service, labels: Readonly<Record<string, string>>): void {
  ApiObject.of(service).addJsonPatch(JsonPatch.replace('/spec/selector', { ...labels }));
}
