// aliyungo (Debian's golang-github-denverdino-aliyungo-dev, 2018) against the harness: the ECS client's ENI helpers,
// AssignPrivateIpAddresses/UnassignPrivateIpAddresses through Invoke (aliyungo has no helper for them), and the metadata
// client reading the instance's own endpoint (METADATA_ENDPOINT) until a moved address shows there.
// Built in GOPATH mode by clients.sh, which also makes the instance and passes its ids in the environment:
// ECS_URL, INSTANCE_ID, VSWITCH_ID, SECURITY_GROUP_ID and METADATA_ENDPOINT.
// Prints one line per check, then `aliyungo: N passed, M failed`; exits 1 when M > 0.
package main

import (
	"encoding/json"
	"fmt"
	"io/ioutil"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/denverdino/aliyungo/common"
	"github.com/denverdino/aliyungo/ecs"
	"github.com/denverdino/aliyungo/metadata"
)

const region = common.Region("cn-hangzhou")

var passed, failed int

// The CLI walk-through's line shape: scripts/test-all.sh lists lines starting "  FAIL  " again at its end.
func check(name string, ok bool, format string, args ...interface{}) bool {
	if ok {
		passed++
		fmt.Println("  ok   ", name)
	} else {
		failed++
		fmt.Printf("  FAIL  %s: %s\n", name, fmt.Sprintf(format, args...))
	}
	return ok
}

type ipArgs struct {
	RegionId           common.Region
	NetworkInterfaceId string
	PrivateIpAddress   []string `query:"list"` // PrivateIpAddress.1, .2 …
}

type assignResponse struct {
	common.Response
	AssignedPrivateIpAddressesSet struct {
		NetworkInterfaceId string
		PrivateIpSet       struct{ PrivateIpAddress []string }
	}
}

// The typed helper's NetworkInterfaceType has no PrivateIpSets: this is the same call decoded with them.
type describeWithIps struct {
	common.Response
	NetworkInterfaceSets struct {
		NetworkInterfaceSet []struct {
			NetworkInterfaceId string
			PrivateIpSets      struct {
				PrivateIpSet []struct{ PrivateIpAddress string }
			}
		}
	}
}

func main() {
	c := ecs.NewClientWithEndpoint(os.Getenv("ECS_URL"), "LTAI5tHarnessExample", "harness-secret")
	md := metadata.NewMetaData(&http.Client{Timeout: 5 * time.Second})
	instance, vswitch := os.Getenv("INSTANCE_ID"), os.Getenv("VSWITCH_ID")
	defer func() {
		if r := recover(); r != nil {
			check("the program ran to the end", false, "%v", r)
		}
		fmt.Printf("aliyungo: %d passed, %d failed\n", passed, failed)
		if failed > 0 {
			os.Exit(1)
		}
	}()

	// The metadata client's typed readers: this instance's own endpoint.
	id, err := md.InstanceID()
	check("metadata InstanceID() is the instance", err == nil && id == instance, "%q, %v", id, err)
	mac, err := md.Mac()
	check("metadata Mac() answers", err == nil && mac != "", "%q, %v", mac, err)
	ip, err := md.PrivateIPv4()
	check("metadata PrivateIPv4() answers", err == nil && ip != "", "%q, %v", ip, err)
	vsw, err := md.VswitchID()
	check("metadata VswitchID() is the vSwitch", err == nil && vsw == vswitch, "%q, %v", vsw, err)
	cidr, err := md.VswitchCIDRBlock()
	_, subnet, perr := net.ParseCIDR(cidr)
	if !check("metadata VswitchCIDRBlock() is a CIDR", err == nil && perr == nil, "%q, %v %v", cidr, err, perr) {
		return
	}
	moving := subnet.IP.To4()
	moving[3] = 200 // .200 of the /24: free in a fresh vSwitch

	// aliyungo's typed ENI helpers.
	primaries, err := c.DescribeNetworkInterfaces(&ecs.DescribeNetworkInterfacesArgs{RegionId: region, InstanceId: instance, Type: "Primary"})
	if !check("DescribeNetworkInterfaces(InstanceId, Type=Primary) finds one ENI", err == nil && len(primaries.NetworkInterfaceSets.NetworkInterfaceSet) == 1, "%+v, %v", primaries, err) {
		return
	}
	primary := primaries.NetworkInterfaceSets.NetworkInterfaceSet[0]
	check("the primary ENI's MAC and address are the metadata's", primary.MacAddress == mac && primary.PrivateIpAddress == ip && primary.Status == "InUse",
		"%+v vs mac %s ip %s", primary, mac, ip)
	created, err := c.CreateNetworkInterface(&ecs.CreateNetworkInterfaceArgs{RegionId: region, VSwitchId: vswitch, SecurityGroupId: os.Getenv("SECURITY_GROUP_ID"), NetworkInterfaceName: "aliyungo"})
	if !check("CreateNetworkInterface", err == nil && created.NetworkInterfaceId != "", "%+v, %v", created, err) {
		return
	}
	other := created.NetworkInterfaceId
	both, err := c.DescribeNetworkInterfaces(&ecs.DescribeNetworkInterfacesArgs{RegionId: region, NetworkInterfaceId: []string{primary.NetworkInterfaceId, other}})
	check("DescribeNetworkInterfaces(NetworkInterfaceId.1, .2) lists both ENIs", err == nil && len(both.NetworkInterfaceSets.NetworkInterfaceSet) == 2, "%+v, %v", both, err)
	for _, e := range both.NetworkInterfaceSets.NetworkInterfaceSet {
		if e.NetworkInterfaceId == other {
			check("the new ENI is Available under its name", e.Status == "Available" && e.NetworkInterfaceName == "aliyungo", "%+v", e)
		}
	}

	// AssignPrivateIpAddresses through Invoke, then the reassignment Alibaba allows: unassign first, then assign.
	var given assignResponse
	err = c.Invoke("AssignPrivateIpAddresses", &ipArgs{RegionId: region, NetworkInterfaceId: other, PrivateIpAddress: []string{moving.String()}}, &given)
	check("AssignPrivateIpAddresses gives the address to the new ENI", err == nil && given.AssignedPrivateIpAddressesSet.NetworkInterfaceId == other &&
		fmt.Sprint(given.AssignedPrivateIpAddressesSet.PrivateIpSet.PrivateIpAddress) == fmt.Sprint([]string{moving.String()}), "%+v, %v", given, err)
	err = c.Invoke("AssignPrivateIpAddresses", &ipArgs{RegionId: region, NetworkInterfaceId: primary.NetworkInterfaceId, PrivateIpAddress: []string{moving.String()}}, &assignResponse{})
	apiErr, _ := err.(*common.Error)
	check("assigning an address another ENI holds fails: InvalidPrivateIpAddress.Duplicated, 400",
		apiErr != nil && apiErr.Code == "InvalidPrivateIpAddress.Duplicated" && apiErr.StatusCode == 400, "%v", err)
	err = c.Invoke("UnassignPrivateIpAddresses", &ipArgs{RegionId: region, NetworkInterfaceId: other, PrivateIpAddress: []string{moving.String()}}, &common.Response{})
	check("UnassignPrivateIpAddresses from the new ENI", err == nil, "%v", err)
	err = c.Invoke("AssignPrivateIpAddresses", &ipArgs{RegionId: region, NetworkInterfaceId: primary.NetworkInterfaceId, PrivateIpAddress: []string{moving.String()}}, &given)
	moved := time.Now()
	check("AssignPrivateIpAddresses to the primary ENI once it is free", err == nil && given.AssignedPrivateIpAddressesSet.NetworkInterfaceId == primary.NetworkInterfaceId, "%+v, %v", given, err)

	// The metadata lags the API (clients.sh set this instance's delay to 1.5 s). aliyungo's MetaData has no reader for
	// network/interfaces/macs/<mac>/private-ipv4s (its ResultList keeps the lines unexported), so this builds the URL with
	// aliyungo's MetaDataRequest (METADATA_ENDPOINT + /latest/meta-data/…) and GETs it with net/http.
	url, _ := md.New().Resource("network/interfaces/macs/" + mac + "/private-ipv4s").Url()
	first, err := privateIpv4s(url)
	check("right after the assign the metadata does not show the address yet", err == nil && !contains(first, moving.String()) && contains(first, ip), "%v, %v", first, err)

	var ips describeWithIps
	err = c.Invoke("DescribeNetworkInterfaces", &ecs.DescribeNetworkInterfacesArgs{RegionId: region, NetworkInterfaceId: []string{primary.NetworkInterfaceId, other}}, &ips)
	holders := map[string]bool{}
	for _, e := range ips.NetworkInterfaceSets.NetworkInterfaceSet {
		for _, s := range e.PrivateIpSets.PrivateIpSet {
			if s.PrivateIpAddress == moving.String() {
				holders[e.NetworkInterfaceId] = true
			}
		}
	}
	check("DescribeNetworkInterfaces shows the address on the primary ENI only", err == nil && len(holders) == 1 && holders[primary.NetworkInterfaceId], "%v, %v", holders, err)

	var seen []string
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if seen, err = privateIpv4s(url); err == nil && contains(seen, moving.String()) {
			break
		}
	}
	after := time.Since(moved)
	check("then private-ipv4s shows it, after the instance's delay (1.5 s)", contains(seen, moving.String()) && after >= time.Second, "%v after %v, %v", seen, after, err)
	again, err := md.PrivateIPv4()
	check("metadata PrivateIPv4() is still the primary address", err == nil && again == ip, "%q, %v", again, err)

	_, err = c.DeleteNetworkInterface(&ecs.DeleteNetworkInterfaceArgs{RegionId: region, NetworkInterfaceId: other})
	check("DeleteNetworkInterface of the new ENI", err == nil, "%v", err)
}

// privateIpv4s reads a private-ipv4s leaf: a JSON array of strings (ALIBABA.md §6).
func privateIpv4s(url string) ([]string, error) {
	response, err := http.Get(url)
	if err != nil {
		return nil, err
	}
	defer response.Body.Close()
	body, err := ioutil.ReadAll(response.Body)
	if err != nil || response.StatusCode != 200 {
		return nil, fmt.Errorf("%s: %d %s %v", url, response.StatusCode, body, err)
	}
	var list []string
	return list, json.Unmarshal(body, &list)
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
