/**
 * The FortiView `device` parameter: which FortiGates a task covers.
 *
 * Items name a device by `devid` (serial, optionally `serial[vdom]`) or `devname` (`name` or `name[vdom]`).
 * `All_Device` and `All_FortiGate` select every FortiGate. Other `All_*` ids name device types the emulator has
 * none of, so they select nothing. A `csfname` (Security Fabric name) matches nothing because the emulator has no
 * fabric.
 */
import { type Device, DEVICES } from './catalogue';
import { narrowTotal, type ThreatTotal } from './dataset';
import { isObject } from './envelope';
import { devicesNotFound, invalidParams } from './errors';

const ALL_FORTIGATES = new Set(['all_device', 'all_fortigate']);

/** Returns the selected FortiGates, or undefined for all of them (also when `device` is absent or empty). */
export function resolveDevices(value: unknown): Device[] | undefined {
	if (value === undefined || value === null) return undefined;
	if (!Array.isArray(value)) throw invalidParams("'device' must be a list of objects with devid or devname");
	if (value.length === 0) return undefined;

	const selected = new Set<Device>();
	let namesDeviceType = false;
	for (const [index, item] of value.entries()) {
		if (!isObject(item)) throw invalidParams(`'device[${index}]' must be an object with devid or devname`);

		const id = readDeviceId(item);
		if (id === undefined && typeof item.csfname !== 'string') {
			throw invalidParams(`'device[${index}]' needs devid, devname or csfname`);
		}
		if (id === undefined) continue;
		if (ALL_FORTIGATES.has(id.toLowerCase())) return undefined;
		if (/^All_/i.test(id)) namesDeviceType = true;

		for (const device of DEVICES) {
			if (deviceMatches(device, id)) selected.add(device);
		}
	}

	if (selected.size === 0 && !namesDeviceType) throw devicesNotFound();
	return [...selected];
}

/** Keeps the part of each total logged by the selected FortiGates. */
export function restrictToDevices(totals: ThreatTotal[], devices: Device[] | undefined): ThreatTotal[] {
	if (devices === undefined) return totals;

	const restricted: ThreatTotal[] = [];
	for (const total of totals) {
		const narrowed = narrowTotal(total, 'devices', total.devices.map((device) => devices.includes(device)));
		if (narrowed) restricted.push(narrowed);
	}
	return restricted;
}

function readDeviceId(item: Record<string, unknown>): string | undefined {
	if (typeof item.devid === 'string') return item.devid;
	if (typeof item.devname === 'string') return item.devname;
	return undefined;
}

function deviceMatches(device: Device, id: string): boolean {
	const match = /^(.*)\[(.+)\]$/.exec(id);
	const name = match ? match[1] : id;
	if (match && match[2] !== device.vdom) return false;
	return name === device.name || name === device.serial;
}
