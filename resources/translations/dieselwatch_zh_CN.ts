<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
<context>
    <name>App</name>
    <message>
        <location filename="../../dieselwatch/gui/app.py" line="74" />
        <source>An unexpected error occurred: {0}

Details are in the log file:
{1}</source>
        <translation>发生意外错误:{0}

详细信息见日志文件:
{1}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/app.py" line="90" />
        <source>The database was upgraded to this version. A copy of it as it was is kept at:
{0}</source>
        <translation>数据库已升级到当前版本。升级前的副本保存在:
{0}</translation>
    </message>
</context>
<context>
    <name>LoginDialog</name>
    <message>
        <location filename="../../ui/login_dialog.ui" line="9" />
        <source>Sign in to DieselWatch</source>
        <translation>登录 DieselWatch</translation>
    </message>
    <message>
        <location filename="../../ui/login_dialog.ui" line="16" />
        <source>User name:</source>
        <translation>用户名:</translation>
    </message>
    <message>
        <location filename="../../ui/login_dialog.ui" line="25" />
        <source>Password:</source>
        <translation>密码:</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/login.py" line="21" />
        <source>Sign in</source>
        <translation>登录</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/login.py" line="30" />
        <source>Wrong user name or password, or the account is disabled.</source>
        <translation>用户名或密码错误,或账号已停用。</translation>
    </message>
</context>
<context>
    <name>MainController</name>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="49" />
        <source>DieselWatch - remote OBD monitoring review</source>
        <translation>DieselWatch 重型柴油车远程监控数据审查</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="59" />
        <source>All</source>
        <translation>全部</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="60" />
        <source>black</source>
        <translation>黑名单</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="60" />
        <source>watch</source>
        <translation>重点关注</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="60" />
        <source>white</source>
        <translation>白名单</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="61" />
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="64" />
        <source>Batch</source>
        <translation>批次</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="64" />
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="64" />
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="64" />
        <source>Imported at</source>
        <translation>导入时间</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="65" />
        <source>By</source>
        <translation>操作人</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="65" />
        <source>Rows read</source>
        <translation>读取行数</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="65" />
        <source>Imported</source>
        <translation>已导入</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="66" />
        <source>Duplicates</source>
        <translation>重复</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="66" />
        <source>Rejected</source>
        <translation>拒绝</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="87" />
        <source>Database: {0}   User: {1}</source>
        <translation>数据库:{0}   用户:{1}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="97" />
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="121" />
        <source>Cancelled: nothing was stored.</source>
        <translation>已取消:未保存任何数据。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="124" />
        <source>DieselWatch</source>
        <translation>柴油车监管</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="127" />
        <source>Unexpected error</source>
        <translation>意外错误</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="128" />
        <source>An unexpected error occurred: {0}

Details are in the log file:
{1}</source>
        <translation>发生意外错误:{0}

详细信息见日志文件:
{1}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="143" />
        <source>records</source>
        <translation>监控数据</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="143" />
        <source>registry</source>
        <translation>登记信息</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="175" />
        <source>Database: {0}   User: {1}   Audit: {2}</source>
        <translation>数据库:{0}   用户:{1}   审计链:{2}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="176" />
        <source>intact</source>
        <translation>完整</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="176" />
        <source>BROKEN - </source>
        <translation>已损坏 - </translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="183" />
        <source>in registry</source>
        <translation>已登记</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="183" />
        <location filename="../../dieselwatch/gui/main_window.py" line="217" />
        <source>rule set</source>
        <translation>规则版本</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="185" />
        <source>Vehicles</source>
        <translation>车辆</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="186" />
        <source>Records stored</source>
        <translation>已存储记录</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="187" />
        <source>Data from</source>
        <translation>数据区间</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="188" />
        <source>Last import</source>
        <translation>最近导入</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="193" />
        <location filename="../../dieselwatch/gui/main_window.py" line="199" />
        <source>Latest scoring</source>
        <translation>最近评分</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="194" />
        <source>Proposed black</source>
        <translation>建议列入黑名单</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="195" />
        <source>Proposed watch</source>
        <translation>建议重点关注</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="196" />
        <source>Proposed white</source>
        <translation>建议列入白名单</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="197" />
        <source>No proposal</source>
        <translation>无建议</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="199" />
        <source>not yet scored: open Scoring and choose a period</source>
        <translation>尚未评分:请打开“评分”并选择时段</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="216" />
        <source>Owner</source>
        <translation>车主</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="216" />
        <source>County</source>
        <translation>区县</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="216" />
        <source>Engine</source>
        <translation>发动机</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="217" />
        <source>reference torque</source>
        <translation>参考扭矩</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="224" />
        <source>Not scored in the latest run.</source>
        <translation>最近一次评分未包含该车。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="227" />
        <source>Score</source>
        <translation>评分</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="227" />
        <source>Proposal</source>
        <translation>建议</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="234" />
        <source>Online rate</source>
        <translation>上线率</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="234" />
        <source>Completeness</source>
        <translation>数据完整率</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="235" />
        <source>Valid operation share</source>
        <translation>有效工况占比</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="236" />
        <source>Exceedance share</source>
        <translation>超标时间占比</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="237" />
        <source>SCR efficiency (hot)</source>
        <translation>SCR热态转化效率</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="238" />
        <source>Brake-specific NOx</source>
        <translation>比排放NOx</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="239" />
        <source>Distance</source>
        <translation>行驶里程</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="240" />
        <source>Longest offline</source>
        <translation>最长离线</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="260" />
        <source>Export import report</source>
        <translation>导出导入报告</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="261" />
        <source>Excel workbook (*.xlsx)</source>
        <translation>Excel工作簿 (*.xlsx)</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="264" />
        <source>Wrote {0}</source>
        <translation>已写入 {0}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="267" />
        <source>Import monitoring records</source>
        <translation>导入监控数据</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="268" />
        <source>Exports (*.csv *.txt *.xlsx *.xls);;All files (*)</source>
        <translation>导出文件 (*.csv *.txt *.xlsx *.xls);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="272" />
        <source>Import vehicle registry</source>
        <translation>导入车辆登记信息</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="273" />
        <source>Registry (*.xlsx *.xls *.csv);;All files (*)</source>
        <translation>登记表 (*.xlsx *.xls *.csv);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="290" />
        <source>Importing {0}</source>
        <translation>正在导入 {0}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="296" />
        <source>already imported; nothing changed</source>
        <translation>已导入过,未做任何更改</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="297" />
        <source>sheet {0}</source>
        <translation>工作表 {0}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="298" />
        <source>{0} rows read</source>
        <translation>读取{0}行</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="300" />
        <source>, {0} imported, {1} duplicates, {2} rejected</source>
        <translation>,导入{0}条,重复{1}条,拒绝{2}条</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="303" />
        <source>, {0} created, {1} updated</source>
        <translation>,新建{0}辆,更新{1}辆</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="305" />
        <source>missing</source>
        <translation>缺失</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="305" />
        <source>invalid-value code</source>
        <translation>无效值代码</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="306" />
        <source>out of range</source>
        <translation>超出范围</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="306" />
        <source>not a number</source>
        <translation>非数值</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="309" />
        <source>row {0}, column {1}: {2}</source>
        <translation>第{0}行,列“{1}”:{2}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="319" />
        <source>Scoring {0} to {1}</source>
        <translation>正在评分 {0} 至 {1}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="324" />
        <source>Scored {0} vehicles, {1} to {2}, rule set {3}.</source>
        <translation>已对{0}辆车评分,时段{1}至{2},规则版本{3}。</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../ui/main_window.ui" line="6" />
        <source>DieselWatch</source>
        <translation>柴油车监管</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.ui" line="13" />
        <source>Dashboard</source>
        <translation>总览</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.ui" line="14" />
        <source>Vehicles</source>
        <translation>车辆</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.ui" line="15" />
        <source>Imports</source>
        <translation>数据导入</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.ui" line="16" />
        <source>Scoring</source>
        <translation>评分</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.ui" line="23" />
        <source>Overview</source>
        <translation>概况</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.ui" line="32" />
        <source>Search VIN, plate or owner</source>
        <translation>搜索VIN、车牌号或车主</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.ui" line="33" />
        <source>Proposal:</source>
        <translation>建议:</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.ui" line="55" />
        <location filename="../../ui/main_window.ui" line="102" />
        <source>Import monitoring records…</source>
        <translation>导入监控数据…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.ui" line="56" />
        <location filename="../../ui/main_window.ui" line="103" />
        <source>Import vehicle registry…</source>
        <translation>导入车辆登记信息…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.ui" line="57" />
        <source>Export report to Excel…</source>
        <translation>导出报告到Excel…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.ui" line="70" />
        <source>From:</source>
        <translation>从:</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.ui" line="72" />
        <source>To:</source>
        <translation>至:</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.ui" line="74" />
        <source>Recompute from raw data</source>
        <translation>从原始数据重新计算</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.ui" line="75" />
        <source>Score all vehicles</source>
        <translation>对全部车辆评分</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.ui" line="89" />
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.ui" line="96" />
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.ui" line="104" />
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.ui" line="105" />
        <source>Quit</source>
        <translation>退出</translation>
    </message>
</context>
<context>
    <name>VehicleTableModel</name>
    <message>
        <location filename="../../dieselwatch/gui/models.py" line="19" />
        <source>VIN</source>
        <translation>车辆识别代号</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/models.py" line="19" />
        <source>Plate</source>
        <translation>车牌号</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/models.py" line="19" />
        <source>Owner</source>
        <translation>车主</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/models.py" line="19" />
        <source>County</source>
        <translation>区县</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/models.py" line="19" />
        <source>Score</source>
        <translation>评分</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/models.py" line="20" />
        <source>Proposal</source>
        <translation>建议</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/models.py" line="20" />
        <source>Main reasons</source>
        <translation>主要原因</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/models.py" line="21" />
        <source>black</source>
        <translation>黑名单</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/models.py" line="21" />
        <source>white</source>
        <translation>白名单</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/models.py" line="21" />
        <source>watch</source>
        <translation>重点关注</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/models.py" line="22" />
        <source>none</source>
        <translation>无</translation>
    </message>
</context>
</TS>